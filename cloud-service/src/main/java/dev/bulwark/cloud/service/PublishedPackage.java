package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.CatalogStore.PackageRow;
import dev.bulwark.cloud.repository.entity.PackageVersionEntity;

import java.time.Instant;

/** A published package version as the API shows it. */
public record PublishedPackage(String publisher, String type, String version, String sha256, long length,
                               Instant publishedAt, String storageObject, long catalogVersion) {

    static PublishedPackage of(PackageRow row) {
        return new PublishedPackage(row.publisher(), row.type(), row.version(), row.sha256(), row.length(),
                row.publishedAt(), row.storageObject(), row.catalogVersion());
    }

    public static PublishedPackage of(PackageVersionEntity entity) {
        return new PublishedPackage(entity.publisher, entity.type, entity.version, entity.sha256, entity.length,
                entity.publishedAt, entity.storageObject, entity.catalogVersion);
    }
}
