package dev.bulwark.cloud.rest.model;

import dev.bulwark.cloud.service.PackageVersionAddress;
import dev.bulwark.cloud.service.PublishedPackage;

import java.time.Instant;
import java.util.List;

/**
 * A published extension version as ARM shows {@code Microsoft.HybridCompute/locations/publishers/extensionTypes/versions}.
 * {@code extensionUris}: where agents download the ZIP (storage); {@code catalogVersion}: the first catalog
 * version that lists it.
 */
public record PackageVersionView(String id, String name, String type, Properties properties) {
    public static final String TYPE = "Microsoft.HybridCompute/locations/publishers/extensionTypes/versions";

    public record Properties(String extensionType, String version, String publisher, String sha256, long length,
                             Instant publishedAt, List<String> extensionUris, long catalogVersion) {
    }

    public static PackageVersionView of(PackageVersionAddress address, PublishedPackage published, String downloadUrl) {
        return new PackageVersionView(address.resourceId(published.version()), published.version(), TYPE,
                new Properties(published.type(), published.version(), published.publisher(), published.sha256(),
                        published.length(), published.publishedAt(), List.of(downloadUrl), published.catalogVersion()));
    }
}
