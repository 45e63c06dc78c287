package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.row.CatalogVersionRow;
import dev.bulwark.cloud.repository.row.PackageVersionRow;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

import static dev.bulwark.cloud.repository.Sql.utc;

/**
 * The write side of packages and catalogs, in plain SQL on the reactive pool. Blocking by design: it runs
 * on a worker thread (publishing) or the renewer's own thread, never on an event loop.
 *
 * <p>Everything that issues a catalog version runs under {@link #underCatalogLock}: one issuer at a time
 * across all replicas, so the next version number is never contended and the catalog file written after
 * the commit is always the newest. The lock is held by the session, not the transaction, so the work
 * after the commit (writing the catalog file, cleaning up a failed upload) is covered too. Within one
 * replica, issuers queue on a JVM lock first, so that waiting never ties up more than one pooled connection.
 */
@ApplicationScoped
public class CatalogStore {
    /** Key of the advisory lock every catalog issuer takes ("catalog"). */
    private static final long CATALOG_LOCK = 0x63_6174_616c_6f67L;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReentrantLock localLock = new ReentrantLock(true);

    @Inject
    Pool pool;

    /** Runs {@code work} holding the catalog lock on one connection; waits for the lock as long as it takes. */
    public <T> T underCatalogLock(Function<Session, T> work) {
        localLock.lock();
        try {
            return underDatabaseLock(work);
        } finally {
            localLock.unlock();
        }
    }

    private <T> T underDatabaseLock(Function<Session, T> work) {
        SqlConnection connection = pool.getConnection().await().atMost(TIMEOUT);
        try {
            connection.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(CATALOG_LOCK)).await().indefinitely();
            try {
                return work.apply(new Session(connection));
            } finally {
                connection.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(CATALOG_LOCK))
                        .onFailure().recoverWithNull().await().atMost(TIMEOUT);
            }
        } finally {
            connection.close().await().atMost(TIMEOUT);
        }
    }

    /** Statements on the locked connection. */
    public static final class Session {
        private final SqlConnection connection;

        private Session(SqlConnection connection) {
            this.connection = connection;
        }

        /** Commits what {@code work} wrote, or rolls it back if it throws (or the commit fails). */
        public <T> T inTransaction(Supplier<T> work) {
            Transaction transaction = connection.begin().await().atMost(TIMEOUT);
            T result;
            try {
                result = work.get();
            } catch (RuntimeException e) {
                transaction.rollback().onFailure().recoverWithNull().await().atMost(TIMEOUT);
                throw e;
            }
            transaction.commit().await().atMost(TIMEOUT);
            return result;
        }

        public Optional<PackageVersionRow> findPackage(String publisher, String type, String version) {
            RowSet<Row> rows = query("SELECT " + PackageVersionRow.COLUMNS + " FROM package_version"
                    + " WHERE publisher_key = $1 AND type_key = $2 AND version = $3", Tuple.of(key(publisher), key(type), version));
            return rows.size() == 0 ? Optional.empty() : Optional.of(PackageVersionRow.of(rows.iterator().next()));
        }

        /** Every published version, in publishing order: the content of the next catalog. */
        public List<PackageVersionRow> packages() {
            List<PackageVersionRow> all = new ArrayList<>();
            for (Row row : query("SELECT " + PackageVersionRow.COLUMNS + " FROM package_version ORDER BY id", Tuple.tuple())) {
                all.add(PackageVersionRow.of(row));
            }
            return all;
        }

        public void insertPackage(PackageVersionRow row) {
            query("INSERT INTO package_version (publisher_key, type_key, version, publisher, type, sha256, length, files,"
                            + " storage_object, published_at, catalog_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    Tuple.from(List.of(key(row.publisher()), key(row.type()), row.version(), row.publisher(), row.type(),
                            row.sha256(), row.length(), row.files(), row.storageObject(), utc(row.publishedAt()),
                            row.catalogVersion())));
        }

        /** The current catalog version, 0 before the first. */
        public long latestCatalogVersion() {
            return query("SELECT coalesce(max(version), 0) FROM catalog_version", Tuple.tuple()).iterator().next().getLong(0);
        }

        public Optional<CatalogVersionRow> latestCatalog() {
            RowSet<Row> rows = query("SELECT " + CatalogVersionRow.COLUMNS + ", content FROM catalog_version"
                    + " ORDER BY version DESC LIMIT 1", Tuple.tuple());
            return rows.size() == 0 ? Optional.empty() : Optional.of(CatalogVersionRow.of(rows.iterator().next()));
        }

        /** Fails (unique violation) if the version exists: a version is never issued twice. */
        public void insertCatalog(CatalogVersionRow row) {
            query("INSERT INTO catalog_version (version, issued_at, expires, key_id, package_count, content_sha256, content)"
                            + " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    Tuple.from(List.of(row.version(), utc(row.issuedAt()), utc(row.expires()), row.keyId(), row.packageCount(),
                            row.contentSha256(), Buffer.buffer(row.content()))));
        }

        /** Records that storage now serves {@code version}; the first time only. */
        public void markServed(long version, Instant at) {
            query("UPDATE catalog_version SET served_at = $2 WHERE version = $1 AND served_at IS NULL",
                    Tuple.of(version, utc(at)));
        }

        private RowSet<Row> query(String sql, Tuple parameters) {
            return connection.preparedQuery(sql).execute(parameters).await().atMost(TIMEOUT);
        }
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

}
