package dev.bulwark.cloud.service;

import dev.bulwark.model.CatalogRef;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.PackageRef;
import io.smallrye.mutiny.Uni;

import java.util.Optional;

/**
 * The seam to package publishing: where an agent downloads the package of an extension version and
 * the signed catalog that vouches for it. Install and upgrade operations carry these references when
 * the cloud knows the package; otherwise the {@code package} and {@code catalog} fields are absent.
 * Called inside the request's transaction, so a database-backed implementation joins it.
 */
public interface PackageLocator {

    Uni<Optional<PackageReferences>> locate(ExtensionId extension, String version);

    record PackageReferences(PackageRef packageRef, CatalogRef catalog) {
    }
}
