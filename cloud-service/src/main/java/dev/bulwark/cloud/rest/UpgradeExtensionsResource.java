package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.security.CallerContext;
import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.service.ExtensionUpgradeService;
import dev.bulwark.cloud.service.MachineAddress;
import dev.bulwark.cloud.rest.body.UpgradeExtensionsBody;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/** {@code POST .../machines/{machine}/upgradeExtensions}: upgrades extensions by type to target versions. */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.HybridCompute/machines/{machineName}/upgradeExtensions")
@Produces(MediaType.APPLICATION_JSON)
public class UpgradeExtensionsResource {
    @Inject
    CallerContext caller;
    @Inject
    ExtensionUpgradeService upgrades;
    @Inject
    AsyncOperationResponses responses;
    @Inject
    CloudConfig config;

    @POST
    @ArmAction(ArmActions.UPGRADE_EXTENSIONS)
    @Operation(summary = "Upgrade extensions by Publisher.Type (202; one polled operation for all targets)")
    public Uni<RestResponse<Void>> upgrade(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                           @RestPath String machineName, @RestQuery("api-version") String apiVersion,
                                           @Valid UpgradeExtensionsBody body, @Context HttpHeaders headers,
                                           @Context UriInfo uri) {
        ApiVersions.requireHybridCompute(apiVersion);
        MachineAddress address = MachineAddress.of(subscriptionId, resourceGroupName, machineName);
        ArmRequest request = ArmRequest.of(apiVersion, headers, uri, config, caller);
        var targets = body.toTargets();
        return upgrades.upgrade(address, targets, request.requester())
                .map(accepted -> responses.<Void>accepted(null, accepted, request));
    }
}
