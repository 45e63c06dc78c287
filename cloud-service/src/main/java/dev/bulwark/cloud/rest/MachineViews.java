package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.repository.row.MachineRow;
import dev.bulwark.cloud.rest.model.MachineView;
import dev.bulwark.cloud.rest.model.PagedList;
import dev.bulwark.cloud.security.ArmScopes;
import dev.bulwark.cloud.security.CallerContext;
import dev.bulwark.cloud.service.MachineAddress;
import dev.bulwark.cloud.service.MachineService;
import dev.bulwark.cloud.service.ReadableMachines;
import dev.bulwark.cloud.service.ResourceCursor;
import dev.bulwark.cloud.signing.CatalogSigningKey;
import dev.bulwark.cloud.signing.CloudSigningKey;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.UriInfo;

/** Machines as the API shows them, one or a page, in the shape of the request's api-version. */
@ApplicationScoped
public class MachineViews {
    @Inject
    MachineService machines;
    @Inject
    CloudSigningKey signingKey;
    @Inject
    CatalogSigningKey catalogKey;
    @Inject
    CallerContext caller;
    @Inject
    ResourcePages pages;

    MachineView view(MachineRow machine, HybridComputeVersion version) {
        return MachineView.of(machine, machines.statusOf(machine), signingKey.publicKeyBase64(), catalogKey.publicKeysBase64(),
                version);
    }

    /**
     * A page of the subscription's machines ({@code resourceGroup} null) or of one resource group's, showing only those
     * in scopes where the caller's assignments allow machines/read.
     */
    Uni<PagedList<MachineView>> page(String subscriptionId, String resourceGroup, String apiVersion, String top,
                                     String skipToken, UriInfo uri) {
        HybridComputeVersion version = ApiVersions.requireHybridCompute(apiVersion);
        String subscription = MachineAddress.requireSubscription(subscriptionId);
        String listScope = ArmScopes.subscription(subscription)
                + (resourceGroup == null ? "" : "/resourceGroups/" + MachineAddress.requireResourceGroup(resourceGroup));
        int size = pages.size(top);
        ResourceCursor after = ResourceCursor.parse(skipToken, 2);
        ReadableMachines readable = ReadableMachines.within(listScope, caller.allowedScopes());
        return machines.page(subscription, resourceGroup, readable, after, size).map(page -> new PagedList<>(
                page.machines().stream().map(machine -> view(machine, version)).toList(),
                pages.nextLink(uri, apiVersion, top, page.next())));
    }
}
