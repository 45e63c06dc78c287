package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.rest.model.OperationStatusView;
import dev.bulwark.cloud.service.MachineAddress;
import dev.bulwark.cloud.service.rollout.RolloutService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.UUID;

/** Where ARM clients poll a rollout they started ({@code Azure-AsyncOperation}). */
@Path("/subscriptions/{subscriptionId}/providers/Bulwark.Fleet/locations/{location}/operationStatuses/{operationId}")
@Produces(MediaType.APPLICATION_JSON)
public class FleetOperationStatusResource {
    @Inject
    RolloutService rollouts;

    @GET
    @ArmAction(value = ArmActions.ROLLOUTS_READ, scope = ArmAction.ScopeRule.WITHIN_SUBSCRIPTION)
    @Operation(summary = "Status of a rollout: InProgress, then Succeeded, Failed or Canceled")
    public Uni<OperationStatusView> status(@RestPath String subscriptionId, @RestPath String location,
                                           @RestPath String operationId, @RestQuery("api-version") String apiVersion,
                                           @Context UriInfo uri) {
        String subscription = MachineAddress.requireSubscription(subscriptionId);
        UUID id;
        try {
            id = UUID.fromString(operationId);
        } catch (IllegalArgumentException e) {
            throw notFound(operationId);
        }
        return rollouts.byId(subscription, id).onItem().ifNull().failWith(() -> notFound(operationId))
                .map(rollout -> FleetResource.statusView("/" + uri.getPath().replaceFirst("^/", ""), rollout));
    }

    private static ApiException notFound(String operationId) {
        String shown = operationId.length() > 64 ? operationId.substring(0, 64) : operationId;
        return new ApiException(ArmErrorCode.ResourceNotFound, "The operation '" + shown + "' was not found.");
    }
}
