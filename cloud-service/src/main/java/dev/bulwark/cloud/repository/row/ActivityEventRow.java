package dev.bulwark.cloud.repository.row;

import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

import static dev.bulwark.cloud.repository.Sql.instant;

/**
 * One activity-log event: a Started event, or the outcome of an operation.
 *
 * @param id        database order, the tie-breaker of the (eventTimestamp, id) paging key; null until stored
 * @param eventName BeginRequest or EndRequest
 * @param status    Started, Succeeded or Failed
 */
public record ActivityEventRow(Long id, UUID eventDataId, String subscriptionId, String resourceGroup, String resourceId,
                               String correlationId, UUID operationId, String operationName, String eventName,
                               String status, String subStatus, String level, String caller, Instant eventTimestamp,
                               Instant submissionTimestamp, String statusCode, String errorCode, String message,
                               String authorization) {

    public static final String COLUMNS = "id, event_data_id, subscription_id, resource_group, resource_id, correlation_id,"
            + " operation_id, operation_name, event_name, status, sub_status, level, caller, event_timestamp,"
            + " submission_timestamp, status_code, error_code, message, authorization_json";

    public static ActivityEventRow of(Row row) {
        return new ActivityEventRow(row.getLong(0), row.getUUID(1), row.getString(2), row.getString(3), row.getString(4),
                row.getString(5), row.getUUID(6), row.getString(7), row.getString(8), row.getString(9), row.getString(10),
                row.getString(11), row.getString(12), instant(row, 13), instant(row, 14), row.getString(15),
                row.getString(16), row.getString(17), row.getString(18));
    }
}
