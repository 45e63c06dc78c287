package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.entity.ActivityEventEntity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;

/** Inserts a batch of activity events in one statement (arrays expanded with {@code unnest}), inside the caller's transaction. */
final class ActivityEventBatch {
    private ActivityEventBatch() {
    }

    static Uni<Void> insert(SqlConnection connection, List<ActivityEventEntity> events, OffsetDateTime time) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("INSERT INTO activity_event (event_data_id, subscription_id, resource_group,"
                        + " resource_id, correlation_id, operation_id, operation_name, event_name, status, sub_status, level,"
                        + " caller, status_code, error_code, message, event_timestamp, submission_timestamp)"
                        + " SELECT v.*, $16::timestamptz, $16::timestamptz FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],"
                        + " $6::uuid[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],"
                        + " $14::text[], $15::text[]) AS v")
                .execute(Tuple.from(List.of(
                        column(events, e -> e.eventDataId, UUID[]::new),
                        column(events, e -> e.subscriptionId, String[]::new),
                        column(events, e -> e.resourceGroup, String[]::new),
                        column(events, e -> e.resourceId, String[]::new),
                        column(events, e -> e.correlationId, String[]::new),
                        column(events, e -> e.operationId, UUID[]::new),
                        column(events, e -> e.operationName, String[]::new),
                        column(events, e -> e.eventName, String[]::new),
                        column(events, e -> e.status, String[]::new),
                        column(events, e -> e.subStatus, String[]::new),
                        column(events, e -> e.level, String[]::new),
                        column(events, e -> e.caller, String[]::new),
                        column(events, e -> e.statusCode, String[]::new),
                        column(events, e -> e.errorCode, String[]::new),
                        column(events, e -> e.message, String[]::new),
                        time)))
                .replaceWithVoid();
    }

    /** One column of a batch, as the array {@code unnest} expands. */
    static <T, C> C[] column(List<T> rows, Function<T, C> value, IntFunction<C[]> array) {
        return rows.stream().map(value).toArray(array);
    }
}
