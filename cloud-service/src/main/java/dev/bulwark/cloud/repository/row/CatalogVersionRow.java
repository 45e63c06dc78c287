package dev.bulwark.cloud.repository.row;

import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;

import static dev.bulwark.cloud.repository.Sql.instant;

/**
 * An issued catalog version. {@code content} is the signed file itself, read only where it is served or
 * renewed (null when a query leaves it out).
 */
public record CatalogVersionRow(long version, Instant issuedAt, Instant expires, String keyId, int packageCount,
                                String contentSha256, byte[] content) {

    public static final String COLUMNS = "version, issued_at, expires, key_id, package_count, content_sha256";

    /** The columns of {@link #COLUMNS}, with {@code content} when the query selected it last. */
    public static CatalogVersionRow of(Row row) {
        byte[] content = row.size() > 6 && row.getValue(6) != null ? row.getBuffer(6).getBytes() : null;
        return new CatalogVersionRow(row.getLong(0), instant(row, 1), instant(row, 2), row.getString(3),
                row.getInteger(4), row.getString(5), content);
    }
}
