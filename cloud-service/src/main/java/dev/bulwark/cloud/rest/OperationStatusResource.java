package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.rest.model.ExtensionView;
import dev.bulwark.cloud.rest.model.ErrorResponse;
import dev.bulwark.cloud.rest.model.OperationStatusView;
import dev.bulwark.cloud.service.OperationStatus;
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
 * Where ARM clients poll the operations they started: {@code operationstatus} (the status document, the
 * {@code Azure-AsyncOperation} URL) and {@code operationresults} (the {@code Location} URL: 202 while running; then
 * for an extension PUT or PATCH 200 with the extension, which is the final GET of an SDK poller for a PATCH; for a
 * DELETE or upgradeExtensions 204; for a failure 409 with the ARM error body).
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
    @Operation(summary = "Result of an extension operation: 202 while running; then the extension a PUT or PATCH left (200),"
            + " 204 for a delete or upgrade, or 409 with the error")
    public Uni<RestResponse<Object>> result(@RestPath String subscriptionId, @RestPath String location,
                                                         @RestPath String operationId,
                                                         @RestQuery("api-version") String apiVersion, @Context UriInfo uri) {
        HybridComputeVersion version = ApiVersions.requireHybridCompute(apiVersion);
        String subscription = MachineAddress.requireSubscription(subscriptionId);
        return operations.result(subscription, operationId).map(result -> {
            OperationStatus status = result.status();
            if (!status.done()) {
                return RestResponse.ResponseBuilder.create(RestResponse.Status.ACCEPTED)
                        .header("Location", uri.getRequestUri().toString())
                        .header("Retry-After", Integer.toString(responses.retryAfterSeconds())).build();
            }
            if (status.errorCode() != null) {
                // ARM: a failed operation's Location answers its error with a 4xx, so that a client polling Location
                // alone sees the failure (a 200 would read as success). 409: the machine refused or could not apply it.
                return RestResponse.status(RestResponse.Status.CONFLICT,
                        ErrorResponse.of(status.errorCode(), status.errorMessage(), null));
            }
            return result.extension() == null ? RestResponse.noContent()
                    : RestResponse.ok(ExtensionView.of(result.extension(), version));
        });
    }
}
