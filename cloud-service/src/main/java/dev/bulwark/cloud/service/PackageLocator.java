package dev.bulwark.cloud.service;

import dev.bulwark.model.CatalogRef;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.PackageRef;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.util.Optional;

/**
 * The seam to package publishing: where an agent downloads the package of an extension version and
 * the signed catalog that vouches for it. Install and upgrade operations must carry these references:
 * a version that was never published is refused ({@code ExtensionVersionNotFound}) before anything is
 * stored.
 */
public interface PackageLocator {

    /**
     * Empty when this publisher/type/version was never published. Reads through {@code client}: inside a
     * transaction, its own connection (a second one from the pool per request would exhaust the pool under load).
     */
    Uni<Optional<PackageReferences>> locate(SqlClient client, ExtensionId extension, String version);

    record PackageReferences(PackageRef packageRef, CatalogRef catalog) {
    }
}
