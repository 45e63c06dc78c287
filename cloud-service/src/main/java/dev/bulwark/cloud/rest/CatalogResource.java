package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.rest.model.CatalogView;
import dev.bulwark.cloud.service.MachineAddress;
import dev.bulwark.cloud.service.PackageVersionAddress;
import dev.bulwark.cloud.service.PackageVersionService;
import dev.bulwark.cloud.signing.CatalogSigningKey;
import dev.bulwark.cloud.storage.StorageObjects;
import dev.bulwark.cloud.storage.StorageServer;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** The current signed catalog's metadata; the catalog file itself is downloaded from storage ({@code properties.url}). */
@Path("/subscriptions/{subscriptionId}/providers/Microsoft.HybridCompute/locations/{location}/catalogs/current")
@Produces(MediaType.APPLICATION_JSON)
public class CatalogResource {
    @Inject
    PackageVersionService versions;
    @Inject
    CatalogSigningKey catalogKey;
    @Inject
    StorageServer storage;

    @GET
    @ArmAction(value = ArmActions.CATALOG_READ, scope = ArmAction.ScopeRule.WITHIN_SUBSCRIPTION)
    @Operation(summary = "The current catalog: version, expiry, package count, signing keys and its storage URL")
    public Uni<CatalogView> current(@RestPath String subscriptionId, @RestPath String location,
                                    @RestQuery("api-version") String apiVersion) {
        ApiVersions.requireHybridCompute(apiVersion);
        String id = "/subscriptions/" + MachineAddress.requireSubscription(subscriptionId)
                + "/providers/Microsoft.HybridCompute/locations/" + PackageVersionAddress.requireLocation(location)
                + "/catalogs/current";
        return versions.currentCatalog().map(catalog -> CatalogView.of(id, catalog, catalogKey.publicKeysBase64(),
                storage.objectUrl(StorageObjects.CATALOG)));
    }
}
