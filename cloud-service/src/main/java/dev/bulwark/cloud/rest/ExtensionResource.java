package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.security.CallerContext;
import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.rest.model.PagedList;
import dev.bulwark.cloud.rest.model.ExtensionView;
import dev.bulwark.cloud.service.ExtensionAddress;
import dev.bulwark.cloud.service.ExtensionRequest;
import dev.bulwark.cloud.service.ExtensionService;
import dev.bulwark.cloud.service.MachineAddress;
import dev.bulwark.cloud.service.ResourceCursor;
import dev.bulwark.cloud.rest.body.ExtensionBody;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.groups.ConvertGroup;
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
 * {@code Microsoft.HybridCompute/machines/extensions}. Writes are long-running: 202 with polling
 * headers; the machine's agent decides, and its result shows in GET and in the activity log.
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.HybridCompute/machines/{machineName}/extensions")
@Produces(MediaType.APPLICATION_JSON)
public class ExtensionResource {
    @Inject
    CallerContext caller;

    @Inject
    ExtensionService extensions;
    @Inject
    AsyncOperationResponses responses;
    @Inject
    CloudConfig config;
    @Inject
    ResourcePages pages;

    @GET
    @ArmAction(ArmActions.EXTENSIONS_READ)
    @Operation(summary = "The extensions of a machine, in name order, in pages (nextLink)")
    public Uni<PagedList<ExtensionView>> list(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                              @RestPath String machineName, @RestQuery("api-version") String apiVersion,
                                              @RestQuery("$top") String top, @RestQuery("$skipToken") String skipToken,
                                              @Context UriInfo uri) {
        HybridComputeVersion version = ApiVersions.requireHybridCompute(apiVersion);
        MachineAddress machine = MachineAddress.of(subscriptionId, resourceGroupName, machineName);
        int size = pages.size(top);
        return extensions.page(machine, ResourceCursor.parse(skipToken, 1), size).map(page -> new PagedList<>(
                page.extensions().stream().map(e -> ExtensionView.of(e, version)).toList(),
                pages.nextLink(uri, apiVersion, top, page.next())));
    }

    @GET
    @ArmAction(ArmActions.EXTENSIONS_READ)
    @Path("{extensionName}")
    @Operation(summary = "An extension: desired state, provisioningState and the agent's instance view")
    public Uni<ExtensionView> get(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                  @RestPath String machineName, @RestPath String extensionName,
                                  @RestQuery("api-version") String apiVersion) {
        HybridComputeVersion version = ApiVersions.requireHybridCompute(apiVersion);
        return extensions.get(address(subscriptionId, resourceGroupName, machineName, extensionName))
                .map(e -> ExtensionView.of(e, version));
    }

    @PUT
    @ArmAction(ArmActions.EXTENSIONS_WRITE)
    @Path("{extensionName}")
    @Operation(summary = "Install, reconfigure or upgrade an extension (202; poll Azure-AsyncOperation)")
    public Uni<RestResponse<ExtensionView>> put(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                                @RestPath String machineName, @RestPath String extensionName,
                                                @RestQuery("api-version") String apiVersion,
                                                @Valid @ConvertGroup(to = ExtensionBody.Complete.class) ExtensionBody body,
                                                @Context HttpHeaders headers, @Context UriInfo uri) {
        return write(false, subscriptionId, resourceGroupName, machineName, extensionName, apiVersion, body, headers, uri);
    }

    @PATCH
    @ArmAction(ArmActions.EXTENSIONS_WRITE)
    @Path("{extensionName}")
    @Operation(summary = "Change some properties of an extension (202; poll Azure-AsyncOperation)")
    public Uni<RestResponse<ExtensionView>> patch(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                                  @RestPath String machineName, @RestPath String extensionName,
                                                  @RestQuery("api-version") String apiVersion, @Valid ExtensionBody body,
                                                  @Context HttpHeaders headers, @Context UriInfo uri) {
        return write(true, subscriptionId, resourceGroupName, machineName, extensionName, apiVersion, body, headers, uri);
    }

    @DELETE
    @ArmAction(ArmActions.EXTENSIONS_DELETE)
    @Path("{extensionName}")
    @Operation(summary = "Remove an extension (202; 204 when there is none)")
    public Uni<RestResponse<Void>> delete(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                          @RestPath String machineName, @RestPath String extensionName,
                                          @RestQuery("api-version") String apiVersion,
                                          @Context HttpHeaders headers, @Context UriInfo uri) {
        ApiVersions.requireHybridCompute(apiVersion);
        ExtensionAddress address = address(subscriptionId, resourceGroupName, machineName, extensionName);
        ArmRequest request = ArmRequest.of(apiVersion, headers, uri, config, caller);
        return extensions.delete(address, request.requester()).map(accepted -> accepted == null
                ? RestResponse.noContent() : responses.accepted(null, accepted, request));
    }

    /** PUT and PATCH differ only in which properties are required and how they apply. */
    private Uni<RestResponse<ExtensionView>> write(boolean patch, String subscriptionId, String resourceGroupName,
                                                   String machineName, String extensionName, String apiVersion,
                                                   ExtensionBody body, HttpHeaders headers, UriInfo uri) {
        HybridComputeVersion version = ApiVersions.requireHybridCompute(apiVersion);
        ExtensionAddress address = address(subscriptionId, resourceGroupName, machineName, extensionName);
        ArmRequest request = ArmRequest.of(apiVersion, headers, uri, config, caller);
        ExtensionRequest desired = body.toRequest();
        Uni<ExtensionService.Accepted> accepted = patch ? extensions.patch(address, desired, request.requester())
                : extensions.put(address, desired, request.requester());
        return accepted.map(done -> responses.accepted(ExtensionView.of(done.extension(), version), done, request));
    }

    private static ExtensionAddress address(String subscriptionId, String resourceGroupName, String machineName,
                                            String extensionName) {
        return ExtensionAddress.of(MachineAddress.of(subscriptionId, resourceGroupName, machineName), extensionName);
    }
}
