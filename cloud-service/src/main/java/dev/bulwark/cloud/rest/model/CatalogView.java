package dev.bulwark.cloud.rest.model;

import dev.bulwark.cloud.repository.row.CatalogVersionRow;

import java.time.Instant;
import java.util.List;

/**
 * The current signed catalog's metadata. The catalog itself is served by storage at {@code url}, byte for
 * byte as signed; {@code signingKeys} are the keys it is signed with (base64 X.509), the same a machine
 * receives at registration.
 */
public record CatalogView(String id, String name, String type, Properties properties) {
    public static final String TYPE = "Microsoft.HybridCompute/locations/catalogs";

    public record Properties(long catalogVersion, Instant issuedAt, Instant expires, int packageCount,
                             String contentSha256, String keyId, List<String> signingKeys, String url) {
    }

    public static CatalogView of(String id, CatalogVersionRow catalog, List<String> signingKeys, String url) {
        return new CatalogView(id, "current", TYPE, new Properties(catalog.version(), catalog.issuedAt(), catalog.expires(),
                catalog.packageCount(), catalog.contentSha256(), catalog.keyId(), signingKeys, url));
    }
}
