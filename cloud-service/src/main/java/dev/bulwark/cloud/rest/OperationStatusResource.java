package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.rest.model.OperationStatusView;
import dev.bulwark.cloud.service.MachineAddress;
import dev.bulwark.cloud.service.OperationStatusService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Where ARM clients poll the operations they started: {@code operationstatus} (the status document)
 * and {@code operationresults} (202 while running, then 204 on success or 200 with the status document
 * carrying the error).
 */
@Path("/subscriptions/{subscriptionId}/providers/Microsoft.HybridCompute/locations/{location}")
@Produces(MediaType.APPLICATION_JSON)
public class OperationStatusResource {
    @Inject
    OperationStatusService operations;
    @Inject
    AsyncOperationResponses responses;

    @GET
    @ArmAction(value = ArmActions.OPERATION_STATUS_READ, scope = ArmAction.ScopeRule.WITHIN_SUBSCRIPTION)
    @Path("operationstatus/{operationId}")
    @Operation(summary = "Status of an extension operation: InProgress, Succeeded or Failed (with the agent's error)")
    public Uni<OperationStatusView> status(@RestPath String subscriptionId, @RestPath String location,
                                           @RestPath String operationId, @RestQuery("api-version") String apiVersion,
                                           @Context UriInfo uri) {
        ApiVersions.requireHybridCompute(apiVersion);
        String subscription = MachineAddress.requireSubscription(subscriptionId);
        return operations.status(subscription, operationId)
                .map(status -> OperationStatusView.of("/" + uri.getPath().replaceFirst("^/", ""), status));
    }

    @GET
    @ArmAction(value = ArmActions.OPERATION_STATUS_READ, scope = ArmAction.ScopeRule.WITHIN_SUBSCRIPTION)
    @Path("operationresults/{operationId}")
    @Operation(summary = "Result of an extension operation: 202 while running, 204 when it succeeded")
    public Uni<RestResponse<OperationStatusView>> result(@RestPath String subscriptionId, @RestPath String location,
                                                         @RestPath String operationId,
                                                         @RestQuery("api-version") String apiVersion, @Context UriInfo uri) {
        ApiVersions.requireHybridCompute(apiVersion);
        String subscription = MachineAddress.requireSubscription(subscriptionId);
        return operations.status(subscription, operationId).map(status -> {
            if (!status.done()) {
                return RestResponse.ResponseBuilder.<OperationStatusView>create(RestResponse.Status.ACCEPTED)
                        .header("Location", uri.getRequestUri().toString())
                        .header("Retry-After", Integer.toString(responses.retryAfterSeconds())).build();
            }
            return status.errorCode() == null ? RestResponse.<OperationStatusView>noContent()
                    : RestResponse.ok(OperationStatusView.of("/" + uri.getPath().replaceFirst("^/", ""), status));
        });
    }
}
