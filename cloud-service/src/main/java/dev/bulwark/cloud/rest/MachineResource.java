package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.rest.model.MachineView;
import dev.bulwark.cloud.rest.model.PagedList;
import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.security.CallerContext;
import dev.bulwark.cloud.service.MachineAddress;
import dev.bulwark.cloud.service.MachineService;
import dev.bulwark.cloud.rest.body.MachineBody;
import dev.bulwark.cloud.rest.body.MachineUpdateBody;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
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

/**
 * {@code Microsoft.HybridCompute/machines}: an agent's {@code connect} registers its machine with its public keys
 * and learns the cloud's signing key and the catalog keys from the answer; ARM clients list, read, tag and delete
 * (deregister) machines.
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.HybridCompute/machines")
@Produces(MediaType.APPLICATION_JSON)
public class MachineResource {
    @Inject
    MachineService machines;
    @Inject
    MachineViews views;
    @Inject
    CallerContext caller;
    @Inject
    CloudConfig config;

    @GET
    @ArmAction(value = ArmActions.MACHINES_READ, scope = ArmAction.ScopeRule.WITHIN_RESOURCE)
    @Operation(summary = "The resource group's machines the caller may read, in pages (nextLink)")
    public Uni<PagedList<MachineView>> list(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                            @RestQuery("api-version") String apiVersion, @RestQuery("$top") String top,
                                            @RestQuery("$skipToken") String skipToken, @Context UriInfo uri) {
        return views.page(subscriptionId, resourceGroupName, apiVersion, top, skipToken, uri);
    }

    @PUT
    @Path("{machineName}")
    @ArmAction(value = ArmActions.MACHINES_WRITE, onboarding = true)
    @Operation(summary = "Register or re-register a machine (201 when new, 200 when known)")
    public Uni<RestResponse<MachineView>> register(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                                   @RestPath String machineName, @RestQuery("api-version") String apiVersion,
                                                   @Valid MachineBody body, @Context HttpHeaders headers) {
        HybridComputeVersion version = ApiVersions.requireHybridCompute(apiVersion);
        MachineAddress address = MachineAddress.of(subscriptionId, resourceGroupName, machineName);
        var registration = body.toRegistration();
        return machines.register(address, registration, caller.caller(), ArmRequest.correlationIdOf(headers)).map(registered -> RestResponse.status(
                registered.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK, views.view(registered.machine(), version)));
    }

    @GET
    @Path("{machineName}")
    @ArmAction(ArmActions.MACHINES_READ)
    @Operation(summary = "A machine with its connection status and the agent's read-only local configuration")
    public Uni<MachineView> get(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                @RestPath String machineName, @RestQuery("api-version") String apiVersion) {
        HybridComputeVersion version = ApiVersions.requireHybridCompute(apiVersion);
        return machines.get(MachineAddress.of(subscriptionId, resourceGroupName, machineName)).map(m -> views.view(m, version));
    }

    @PATCH
    @Path("{machineName}")
    @ArmAction(ArmActions.MACHINES_WRITE)
    @Operation(summary = "Replace a machine's tags (ARM's MachineUpdate; 200 with the machine)")
    public Uni<MachineView> patch(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                  @RestPath String machineName, @RestQuery("api-version") String apiVersion,
                                  @Valid MachineUpdateBody body, @Context HttpHeaders headers, @Context UriInfo uri) {
        HybridComputeVersion version = ApiVersions.requireHybridCompute(apiVersion);
        MachineAddress address = MachineAddress.of(subscriptionId, resourceGroupName, machineName);
        String tags = body.tagsJson();
        ArmRequest request = ArmRequest.of(apiVersion, headers, uri, config, caller);
        return machines.updateTags(address, tags, request.requester()).map(m -> views.view(m, version));
    }

    @DELETE
    @Path("{machineName}")
    @ArmAction(ArmActions.MACHINES_DELETE)
    @Operation(summary = "Deregister a machine: its extensions' records go, its operations in progress fail (200; 204 when there is none)")
    public Uni<RestResponse<Void>> delete(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                          @RestPath String machineName, @RestQuery("api-version") String apiVersion,
                                          @Context HttpHeaders headers, @Context UriInfo uri) {
        ApiVersions.requireHybridCompute(apiVersion);
        MachineAddress address = MachineAddress.of(subscriptionId, resourceGroupName, machineName);
        ArmRequest request = ArmRequest.of(apiVersion, headers, uri, config, caller);
        return machines.delete(address, request.requester())
                .map(deleted -> deleted ? RestResponse.<Void>ok() : RestResponse.<Void>noContent());
    }
}
