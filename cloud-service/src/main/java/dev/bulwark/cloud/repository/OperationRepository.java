package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.row.OperationRow;
import dev.bulwark.cloud.service.OperationStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.bulwark.cloud.repository.ExtensionRepository.list;
import static dev.bulwark.cloud.repository.Sql.column;
import static dev.bulwark.cloud.repository.Sql.utc;

/** The operation table: one row per operation sent to one machine. */
@ApplicationScoped
public class OperationRepository {
    @Inject
    Pool pool;

    /** How a result ends an operation. */
    public record Finish(UUID operationId, String machineId, String status, String errorCode, String message) {
    }

    public Uni<Void> insert(SqlClient client, List<OperationRow> operations) {
        if (operations.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery("INSERT INTO operation (" + OperationRow.COLUMNS + ") SELECT * FROM unnest($1::uuid[],"
                        + " $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[], $9::text[],"
                        + " $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],"
                        + " $17::timestamptz[], $18::timestamptz[], $19::text[], $20::text[], $21::uuid[], $22::text[])")
                .execute(Tuple.from(List.of(
                        column(operations, OperationRow::operationId, UUID[]::new),
                        column(operations, OperationRow::asyncOperationId, UUID[]::new),
                        column(operations, OperationRow::correlationId, String[]::new),
                        column(operations, OperationRow::subscriptionId, String[]::new),
                        column(operations, OperationRow::resourceGroup, String[]::new),
                        column(operations, OperationRow::machineId, String[]::new),
                        column(operations, OperationRow::extensionId, UUID[]::new),
                        column(operations, OperationRow::extensionResourceId, String[]::new),
                        column(operations, OperationRow::extensionName, String[]::new),
                        column(operations, OperationRow::publisher, String[]::new),
                        column(operations, OperationRow::extensionType, String[]::new),
                        column(operations, OperationRow::extensionVersion, String[]::new),
                        column(operations, o -> o.kind().name(), String[]::new),
                        column(operations, OperationRow::operationName, String[]::new),
                        column(operations, OperationRow::caller, String[]::new),
                        column(operations, OperationRow::status, String[]::new),
                        utc(operations.stream().map(OperationRow::startTime).toList()),
                        utc(operations.stream().map(OperationRow::endTime).toList()),
                        column(operations, OperationRow::errorCode, String[]::new),
                        column(operations, OperationRow::errorMessage, String[]::new),
                        column(operations, OperationRow::rolloutId, UUID[]::new),
                        column(operations, OperationRow::authorization, String[]::new))))
                .replaceWithVoid();
    }

    /** The operations behind one polled async operation (index operation_async). */
    public Uni<List<OperationRow>> listByAsyncOperation(String subscriptionId, UUID asyncOperationId) {
        return pool.preparedQuery("SELECT " + OperationRow.COLUMNS + " FROM operation WHERE async_operation_id = $1"
                        + " AND subscription_id = $2")
                .execute(Tuple.of(asyncOperationId, subscriptionId))
                .map(rows -> list(rows, OperationRow::of));
    }

    /**
     * Ends the operations these results are for, in one statement, and returns the ones it ended. The
     * status transition is the idempotency claim: an operation no longer InProgress (a redelivered result)
     * or of another machine is left alone and not returned, and concurrent claims of one operation
     * serialize on its row, so exactly one wins.
     */
    public Uni<List<OperationRow>> finish(SqlClient client, List<Finish> results, Instant at) {
        if (results.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return client.preparedQuery("UPDATE operation o SET status = v.status, end_time = $6, error_code = v.error_code,"
                        + " error_message = v.message FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])"
                        + " AS v(operation_id, machine_id, status, error_code, message)"
                        + " WHERE o.operation_id = v.operation_id AND o.machine_id = v.machine_id AND o.status = '"
                        + OperationStatus.IN_PROGRESS + "' RETURNING " + ExtensionRepository.prefixed("o", OperationRow.COLUMNS))
                .execute(Tuple.of(column(results, Finish::operationId, UUID[]::new),
                        column(results, Finish::machineId, String[]::new),
                        column(results, Finish::status, String[]::new),
                        column(results, Finish::errorCode, String[]::new),
                        column(results, Finish::message, String[]::new), utc(at)))
                .map(rows -> list(rows, OperationRow::of));
    }

    /**
     * Ends every operation of the machine still in progress as Failed with {@code errorCode} (its machine was deleted)
     * and returns them; index operation_machine finds them.
     */
    public Uni<List<OperationRow>> failInProgress(SqlClient tx, String machineId, String errorCode, String message, Instant at) {
        return tx.preparedQuery("UPDATE operation SET status = '" + OperationStatus.FAILED + "', end_time = $2, error_code = $3,"
                        + " error_message = $4 WHERE machine_id = $1 AND status = '" + OperationStatus.IN_PROGRESS + "' RETURNING "
                        + OperationRow.COLUMNS)
                .execute(Tuple.of(machineId, utc(at), errorCode, message))
                .map(rows -> list(rows, OperationRow::of));
    }

    /** Where a pruning pass over the operations got to: the last (start_time, operation_id) it examined. */
    public record PruneCursor(Instant startTime, UUID operationId) {
    }

    /**
     * One batch of a pruning pass: {@code scanned} operations examined, {@code deleted} of them deleted, and
     * the cursor to continue from ({@code scanned < limit}: the pass is over).
     */
    public record Pruned(int scanned, int deleted, PruneCursor next) {
    }

    /**
     * Examines the next {@code limit} operations that started before {@code cutoff}, after {@code after} (null:
     * from the oldest), and deletes those that finished before {@code cutoff}, in one statement. Never an
     * operation still InProgress (its result is yet to be applied), nor the latest operation of an extension
     * that exists (its state, reconciliation and later results are checked against it): those are kept, and the
     * cursor steps over them, so a pass reads each old row once however many are kept.
     *
     * <p>The range comes from index operation_start_time: {@code start_time} never changes, so the index costs the
     * result projection's updates nothing (they stay HOT). An operation ends after it starts, so every operation
     * that ended before the cutoff is in the range. The extension check is one primary-key probe per row. A row
     * a result is finishing at the same moment is re-checked after that commits (it then ended now, and stays).
     */
    public Uni<Pruned> deleteFinishedBefore(Instant cutoff, PruneCursor after, int limit) {
        String range = after == null ? "start_time < $1" : "start_time < $1 AND (start_time, operation_id) > ($3, $4)";
        Tuple parameters = after == null ? Tuple.of(utc(cutoff), limit)
                : Tuple.of(utc(cutoff), limit, utc(after.startTime()), after.operationId());
        return pool.preparedQuery("WITH scanned AS (SELECT operation_id, start_time FROM operation WHERE " + range
                        + " ORDER BY start_time, operation_id LIMIT $2),"
                        + " gone AS (DELETE FROM operation o USING scanned s WHERE o.operation_id = s.operation_id"
                        + " AND o.status <> '" + OperationStatus.IN_PROGRESS + "' AND o.end_time < $1"
                        + " AND NOT EXISTS (SELECT 1 FROM extension e WHERE e.id = o.extension_id"
                        + " AND e.last_operation_id = o.operation_id) RETURNING o.operation_id),"
                        + " last AS (SELECT start_time, operation_id FROM scanned ORDER BY start_time DESC, operation_id DESC LIMIT 1)"
                        + " SELECT (SELECT count(*) FROM scanned), (SELECT count(*) FROM gone),"
                        + " (SELECT start_time FROM last), (SELECT operation_id FROM last)")
                .execute(parameters)
                .map(rows -> {
                    Row row = rows.iterator().next();
                    Instant lastStart = Sql.instant(row, 2);
                    return new Pruned(row.getLong(0).intValue(), row.getLong(1).intValue(),
                            lastStart == null ? after : new PruneCursor(lastStart, row.getUUID(3)));
                });
    }

    /** The machine each of these operations was sent to; unknown ids are absent. */
    public Uni<Map<UUID, String>> machinesOf(Collection<UUID> operationIds) {
        return pool.preparedQuery("SELECT operation_id, machine_id FROM operation WHERE operation_id = ANY($1)")
                .execute(Tuple.of(operationIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, String> machines = new HashMap<>();
                    for (Row row : rows) {
                        machines.put(row.getUUID(0), row.getString(1));
                    }
                    return machines;
                });
    }
}
