package dev.bulwark.cloud.repository.row;

import dev.bulwark.model.OperationKind;
import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

import static dev.bulwark.cloud.repository.Sql.instant;

/**
 * One extension operation sent to one machine, and its outcome once the agent reported it.
 *
 * @param asyncOperationId what ARM clients poll: this operation, or the shared id of one upgradeExtensions request
 * @param status           InProgress, Succeeded or Failed ({@code OperationStatus})
 * @param rolloutId        the rollout that issued it, or null
 */
public record OperationRow(UUID operationId, UUID asyncOperationId, String correlationId, String subscriptionId,
                           String resourceGroup, String machineId, UUID extensionId, String extensionResourceId,
                           String extensionName, String publisher, String extensionType, String extensionVersion,
                           OperationKind kind, String operationName, String caller, String status, Instant startTime,
                           Instant endTime, String errorCode, String errorMessage, UUID rolloutId,
                           String authorization) {

    public static final String COLUMNS = "operation_id, async_operation_id, correlation_id, subscription_id, resource_group,"
            + " machine_id, extension_id, extension_resource_id, extension_name, publisher, extension_type, extension_version,"
            + " kind, operation_name, caller, status, start_time, end_time, error_code, error_message, rollout_id,"
            + " authorization_json";

    public static OperationRow of(Row row) {
        return of(row, 0);
    }

    public static OperationRow of(Row row, int first) {
        int i = first;
        return new OperationRow(row.getUUID(i), row.getUUID(i + 1), row.getString(i + 2), row.getString(i + 3),
                row.getString(i + 4), row.getString(i + 5), row.getUUID(i + 6), row.getString(i + 7), row.getString(i + 8),
                row.getString(i + 9), row.getString(i + 10), row.getString(i + 11), OperationKind.valueOf(row.getString(i + 12)),
                row.getString(i + 13), row.getString(i + 14), row.getString(i + 15), instant(row, i + 16),
                instant(row, i + 17), row.getString(i + 18), row.getString(i + 19), row.getUUID(i + 20),
                row.getString(i + 21));
    }
}
