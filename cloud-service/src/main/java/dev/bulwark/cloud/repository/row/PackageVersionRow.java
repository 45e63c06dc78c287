package dev.bulwark.cloud.repository.row;

import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;

import static dev.bulwark.cloud.repository.Sql.instant;

/**
 * A published package version. Versions are immutable; {@code CatalogStore} writes them together with the
 * catalog version that first lists them.
 *
 * @param files          JSON list of the files in the ZIP, as the catalog lists them
 * @param catalogVersion the first catalog version that lists it
 */
public record PackageVersionRow(String publisher, String type, String version, String sha256, long length, String files,
                                String storageObject, Instant publishedAt, long catalogVersion) {

    public static final String COLUMNS = "publisher, type, version, sha256, length, files, storage_object, published_at,"
            + " catalog_version";

    public static PackageVersionRow of(Row row) {
        return new PackageVersionRow(row.getString(0), row.getString(1), row.getString(2), row.getString(3),
                row.getLong(4), row.getString(5), row.getString(6), instant(row, 7), row.getLong(8));
    }
}
