package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.row.CatalogVersionRow;
import dev.bulwark.cloud.repository.row.PackageVersionRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Locale;

import static dev.bulwark.cloud.repository.ExtensionRepository.list;

/**
 * What requests read of published packages and catalogs: versions by publisher/type (case-insensitive) and
 * version (exact), on the package_version_identity index, and the current catalog. Publishing writes both
 * tables under the catalog lock ({@link CatalogStore}).
 */
@ApplicationScoped
public class PackageVersionRepository {

    public Uni<PackageVersionRow> find(SqlClient client, String publisher, String type, String version) {
        return client.preparedQuery("SELECT " + PackageVersionRow.COLUMNS + " FROM package_version"
                        + " WHERE publisher_key = $1 AND type_key = $2 AND version = $3")
                .execute(Tuple.of(key(publisher), key(type), version))
                .map(rows -> rows.size() == 0 ? null : PackageVersionRow.of(rows.iterator().next()));
    }

    public Uni<List<PackageVersionRow>> list(SqlClient client, String publisher, String type) {
        return client.preparedQuery("SELECT " + PackageVersionRow.COLUMNS + " FROM package_version"
                        + " WHERE publisher_key = $1 AND type_key = $2 ORDER BY id")
                .execute(Tuple.of(key(publisher), key(type)))
                .map(rows -> ExtensionRepository.list(rows, PackageVersionRow::of));
    }

    /**
     * The catalog agents download now, or null before the first was served. A version just committed but
     * not yet written to storage is not current: an operation naming it would send agents a catalog
     * version they cannot get yet.
     */
    public Uni<CatalogVersionRow> currentCatalog(SqlClient client) {
        return client.query("SELECT " + CatalogVersionRow.COLUMNS + " FROM catalog_version WHERE served_at IS NOT NULL"
                        + " ORDER BY version DESC LIMIT 1")
                .execute()
                .map(rows -> rows.size() == 0 ? null : CatalogVersionRow.of(rows.iterator().next()));
    }

    public static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
