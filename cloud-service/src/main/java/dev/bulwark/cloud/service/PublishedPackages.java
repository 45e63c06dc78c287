package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.PackageVersionRepository;
import dev.bulwark.cloud.storage.StorageObjects;
import dev.bulwark.cloud.storage.StorageServer;
import dev.bulwark.model.CatalogRef;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.PackageRef;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * {@link PackageLocator} from the published versions: the package's storage URL, hash and size, and the
 * current catalog version (the newest storage serves). Naming the current version, not the first that
 * listed the package, makes the agent refuse any older catalog for this operation, however genuine its
 * signature.
 */
@ApplicationScoped
public class PublishedPackages implements PackageLocator {
    @Inject
    PackageVersionRepository packages;
    @Inject
    StorageServer storage;

    @Override
    public Uni<Optional<PackageReferences>> locate(SqlClient client, ExtensionId extension, String version) {
        return packages.find(client, extension.publisher(), extension.type(), version).chain(found -> found == null
                ? Uni.createFrom().item(Optional.<PackageReferences>empty())
                : packages.currentCatalog(client).map(catalog -> Optional.of(new PackageReferences(
                        new PackageRef(storage.objectUrl(found.storageObject()), found.sha256(), found.length()),
                        new CatalogRef(storage.objectUrl(StorageObjects.CATALOG),
                                // Never below the first version listing the package (storage catches up at once).
                                catalog == null ? found.catalogVersion() : Math.max(catalog.version(), found.catalogVersion()))))));
    }
}
