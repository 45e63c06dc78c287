package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.rest.model.MachineView;
import dev.bulwark.cloud.rest.model.PagedList;
import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
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

/**
 * {@code GET /subscriptions/{sub}/providers/Microsoft.HybridCompute/machines}: the subscription's machines that the
 * caller may read, paged with {@code nextLink}. The resource group's list is {@link MachineResource#list}.
 */
@Path("/subscriptions/{subscriptionId}/providers/Microsoft.HybridCompute/machines")
@Produces(MediaType.APPLICATION_JSON)
public class MachineListResource {
    @Inject
    MachineViews machines;

    @GET
    @ArmAction(value = ArmActions.MACHINES_READ, scope = ArmAction.ScopeRule.WITHIN_SUBSCRIPTION)
    @Operation(summary = "The subscription's machines the caller may read, in pages (nextLink)")
    public Uni<PagedList<MachineView>> list(@RestPath String subscriptionId, @RestQuery("api-version") String apiVersion,
                                            @RestQuery("$top") String top, @RestQuery("$skipToken") String skipToken,
                                            @Context UriInfo uri) {
        return machines.page(subscriptionId, null, apiVersion, top, skipToken, uri);
    }
}
