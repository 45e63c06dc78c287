package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.entity.ActivityEventEntity;
import dev.bulwark.cloud.repository.entity.OperationEntity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Applies a batch of operation results in one transaction and a fixed number of statements, whatever
 * the batch size: arrays are passed whole and expanded with {@code unnest}.
 */
@ApplicationScoped
public class ResultProjectionRepository {
    @Inject
    Pool pool;

    /** What one result changes. {@code removesExtension}: a successful delete. */
    public record Outcome(UUID operationId, UUID extensionId, String operationStatus, String errorCode, String message,
                          boolean removesExtension, String provisioningState, String instanceView,
                          String installedVersion, ActivityEventEntity event) {
    }

    public Uni<List<OperationEntity>> operations(Collection<UUID> operationIds) {
        return pool.preparedQuery("SELECT * FROM operation WHERE operation_id = ANY($1)")
                .execute(Tuple.of(operationIds.toArray(UUID[]::new)))
                .map(rows -> {
                    List<OperationEntity> found = new ArrayList<>();
                    rows.forEach(row -> found.add(operation(row)));
                    return found;
                });
    }

    /**
     * Applies the outcomes whose operation id this transaction manages to insert into processed_result;
     * the others were applied before (a redelivery) and change nothing.
     *
     * @return how many outcomes were applied
     */
    public Uni<Integer> apply(List<Outcome> outcomes, Instant at) {
        if (outcomes.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        OffsetDateTime time = at.atOffset(ZoneOffset.UTC);
        return pool.withTransaction(connection -> claim(connection, outcomes).chain(claimed -> {
            List<Outcome> fresh = outcomes.stream().filter(o -> claimed.contains(o.operationId())).toList();
            if (fresh.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return updateOperations(connection, fresh, time)
                    .chain(() -> updateExtensions(connection, fresh.stream().filter(o -> !o.removesExtension()).toList(), time))
                    .chain(() -> deleteExtensions(connection, fresh.stream().filter(Outcome::removesExtension).toList()))
                    .chain(() -> insertEvents(connection, fresh, time))
                    .replaceWith(fresh.size());
        }));
    }

    private static Uni<Set<UUID>> claim(SqlConnection connection, List<Outcome> outcomes) {
        return connection.preparedQuery("INSERT INTO processed_result (operation_id) SELECT unnest($1::uuid[])"
                        + " ON CONFLICT DO NOTHING RETURNING operation_id")
                .execute(Tuple.of(column(outcomes, Outcome::operationId, UUID[]::new)))
                .map(rows -> {
                    Set<UUID> claimed = new HashSet<>();
                    rows.forEach(row -> claimed.add(row.getUUID(0)));
                    return claimed;
                });
    }

    private static Uni<Void> updateOperations(SqlConnection connection, List<Outcome> outcomes, OffsetDateTime time) {
        return connection.preparedQuery("UPDATE operation o SET status = v.status, end_time = $5,"
                        + " error_code = v.error_code, error_message = v.message"
                        + " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS v(operation_id, status, error_code, message)"
                        + " WHERE o.operation_id = v.operation_id")
                .execute(Tuple.of(column(outcomes, Outcome::operationId, UUID[]::new),
                        column(outcomes, Outcome::operationStatus, String[]::new),
                        column(outcomes, Outcome::errorCode, String[]::new),
                        column(outcomes, Outcome::message, String[]::new), time))
                .replaceWithVoid();
    }

    /**
     * Only the extension's latest operation may set its provisioning state and instance view: a late
     * result of an older operation must not hide the one in flight. Any success records the version installed.
     */
    private static Uni<Void> updateExtensions(SqlConnection connection, List<Outcome> outcomes, OffsetDateTime time) {
        if (outcomes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // UPDATE ... FROM applies one arbitrary row per target: keep one result per extension, the last received.
        Map<UUID, Outcome> lastPerExtension = new LinkedHashMap<>();
        outcomes.forEach(outcome -> lastPerExtension.put(outcome.extensionId(), outcome));
        return updateEachExtensionOnce(connection, List.copyOf(lastPerExtension.values()), time);
    }

    private static Uni<Void> updateEachExtensionOnce(SqlConnection connection, List<Outcome> outcomes, OffsetDateTime time) {
        return connection.preparedQuery("UPDATE extension e SET"
                        + " provisioning_state = CASE WHEN e.last_operation_id = v.operation_id THEN v.state ELSE e.provisioning_state END,"
                        + " instance_view = CASE WHEN e.last_operation_id = v.operation_id THEN v.view ELSE e.instance_view END,"
                        + " installed_version = coalesce(v.installed_version, e.installed_version), updated_at = $6"
                        + " FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])"
                        + " AS v(extension_id, operation_id, state, view, installed_version)"
                        + " WHERE e.id = v.extension_id")
                .execute(Tuple.of(column(outcomes, Outcome::extensionId, UUID[]::new),
                        column(outcomes, Outcome::operationId, UUID[]::new),
                        column(outcomes, Outcome::provisioningState, String[]::new),
                        column(outcomes, Outcome::instanceView, String[]::new),
                        column(outcomes, Outcome::installedVersion, String[]::new), time))
                .replaceWithVoid();
    }

    private static Uni<Void> deleteExtensions(SqlConnection connection, List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("DELETE FROM extension e USING unnest($1::uuid[], $2::uuid[]) AS v(extension_id, operation_id)"
                        + " WHERE e.id = v.extension_id AND e.last_operation_id = v.operation_id")
                .execute(Tuple.of(column(outcomes, Outcome::extensionId, UUID[]::new),
                        column(outcomes, Outcome::operationId, UUID[]::new)))
                .replaceWithVoid();
    }

    private static Uni<Void> insertEvents(SqlConnection connection, List<Outcome> outcomes, OffsetDateTime time) {
        return ActivityEventBatch.insert(connection, outcomes.stream().map(Outcome::event).toList(), time);
    }

    private static <T, C> C[] column(List<T> rows, Function<T, C> value, IntFunction<C[]> array) {
        return ActivityEventBatch.column(rows, value, array);
    }

    private static OperationEntity operation(Row row) {
        OperationEntity operation = new OperationEntity();
        operation.operationId = row.getUUID("operation_id");
        operation.asyncOperationId = row.getUUID("async_operation_id");
        operation.correlationId = row.getString("correlation_id");
        operation.subscriptionId = row.getString("subscription_id");
        operation.resourceGroup = row.getString("resource_group");
        operation.machineId = row.getString("machine_id");
        operation.extensionId = row.getUUID("extension_id");
        operation.extensionResourceId = row.getString("extension_resource_id");
        operation.extensionName = row.getString("extension_name");
        operation.publisher = row.getString("publisher");
        operation.extensionType = row.getString("extension_type");
        operation.extensionVersion = row.getString("extension_version");
        operation.kind = row.getString("kind");
        operation.operationName = row.getString("operation_name");
        operation.caller = row.getString("caller");
        operation.status = row.getString("status");
        return operation;
    }
}
