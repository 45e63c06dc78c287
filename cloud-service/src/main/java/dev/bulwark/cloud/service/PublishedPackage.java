package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.row.PackageVersionRow;

import java.time.Instant;

/** A published package version as the API shows it. */
public record PublishedPackage(String publisher, String type, String version, String sha256, long length,
                               Instant publishedAt, String storageObject, long catalogVersion) {

    static PublishedPackage of(PackageVersionRow row) {
        return new PublishedPackage(row.publisher(), row.type(), row.version(), row.sha256(), row.length(),
                row.publishedAt(), row.storageObject(), row.catalogVersion());
    }
}
