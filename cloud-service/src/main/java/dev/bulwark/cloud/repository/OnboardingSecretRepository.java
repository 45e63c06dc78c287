package dev.bulwark.cloud.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static dev.bulwark.cloud.repository.Sql.instant;
import static dev.bulwark.cloud.repository.Sql.utc;

/** Onboarding secrets; the code itself is never stored, only its SHA-256. */
@ApplicationScoped
public class OnboardingSecretRepository {
    private static final String COLUMNS = "id, subscription_id, resource_group, name, code_sha256, expires_at,"
            + " registration_limit, registrations, created_by, created_at";

    @Inject
    Pool pool;

    public record Secret(UUID id, String subscriptionId, String resourceGroup, String name, String codeSha256,
                         Instant expiresAt, int registrationLimit, int registrations, String createdBy, Instant createdAt) {
        static Secret of(Row row) {
            return new Secret(row.getUUID(0), row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                    instant(row, 5), row.getInteger(6), row.getInteger(7), row.getString(8), instant(row, 9));
        }
    }

    /** Creates the secret; false when one of that name exists in the resource group (secrets are never rewritten). */
    public Uni<Boolean> create(Secret s) {
        return pool.preparedQuery("INSERT INTO onboarding_secret (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                        + " ON CONFLICT (subscription_id, resource_group, name) DO NOTHING")
                .execute(Tuple.from(List.of(s.id(), s.subscriptionId(), s.resourceGroup(), s.name(), s.codeSha256(),
                        utc(s.expiresAt()), s.registrationLimit(), s.registrations(), s.createdBy(), utc(s.createdAt()))))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Secret> find(String subscriptionId, String resourceGroup, String name) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM onboarding_secret WHERE subscription_id = $1"
                        + " AND lower(resource_group) = lower($2) AND name = $3")
                .execute(Tuple.of(subscriptionId, resourceGroup, name))
                .map(rows -> rows.size() == 0 ? null : Secret.of(rows.iterator().next()));
    }

    /** The secret, locked until the registration's transaction ends: concurrent registrations count one after another. */
    public Uni<Secret> lock(SqlClient tx, UUID id) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM onboarding_secret WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : Secret.of(rows.iterator().next()));
    }

    public Uni<Void> count(SqlClient tx, UUID id, int registrations) {
        return tx.preparedQuery("UPDATE onboarding_secret SET registrations = registrations + $2 WHERE id = $1")
                .execute(Tuple.of(id, registrations)).replaceWithVoid();
    }
}
