package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.row.ActivityEventRow;
import dev.bulwark.cloud.service.ActivityFilter;
import dev.bulwark.cloud.service.PageCursor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static dev.bulwark.cloud.repository.ExtensionRepository.list;
import static dev.bulwark.cloud.repository.Sql.column;
import static dev.bulwark.cloud.repository.Sql.utc;

/**
 * The activity log: batches of events inserted in one statement inside the caller's transaction, and pages
 * read newest first by keyset on (event_timestamp, id) over the activity_event_* indexes.
 */
@ApplicationScoped
public class ActivityEventRepository {
    @Inject
    Pool pool;

    public Uni<Void> insert(SqlClient client, List<ActivityEventRow> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery("INSERT INTO activity_event (event_data_id, subscription_id, resource_group,"
                        + " resource_id, correlation_id, operation_id, operation_name, event_name, status, sub_status, level,"
                        + " caller, event_timestamp, submission_timestamp, status_code, error_code, message, authorization_json)"
                        + " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[],"
                        + " $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::timestamptz[],"
                        + " $14::timestamptz[], $15::text[], $16::text[], $17::text[], $18::text[])")
                .execute(Tuple.from(List.of(
                        column(events, ActivityEventRow::eventDataId, UUID[]::new),
                        column(events, ActivityEventRow::subscriptionId, String[]::new),
                        column(events, ActivityEventRow::resourceGroup, String[]::new),
                        column(events, ActivityEventRow::resourceId, String[]::new),
                        column(events, ActivityEventRow::correlationId, String[]::new),
                        column(events, ActivityEventRow::operationId, UUID[]::new),
                        column(events, ActivityEventRow::operationName, String[]::new),
                        column(events, ActivityEventRow::eventName, String[]::new),
                        column(events, ActivityEventRow::status, String[]::new),
                        column(events, ActivityEventRow::subStatus, String[]::new),
                        column(events, ActivityEventRow::level, String[]::new),
                        column(events, ActivityEventRow::caller, String[]::new),
                        utc(events.stream().map(ActivityEventRow::eventTimestamp).toList()),
                        utc(events.stream().map(ActivityEventRow::submissionTimestamp).toList()),
                        column(events, ActivityEventRow::statusCode, String[]::new),
                        column(events, ActivityEventRow::errorCode, String[]::new),
                        column(events, ActivityEventRow::message, String[]::new),
                        column(events, ActivityEventRow::authorization, String[]::new))))
                .replaceWithVoid();
    }

    /**
     * Deletes up to {@code limit} of the oldest events with an {@code event_timestamp} before {@code cutoff}, in one
     * statement (index activity_event_time: the range scan stops after {@code limit} rows, so no call reads the
     * whole table). Rows another pruner (a second replica) holds are skipped, not waited for.
     *
     * @return how many were deleted; fewer than {@code limit} means none is left
     */
    public Uni<Integer> deleteOlderThan(Instant cutoff, int limit) {
        return pool.preparedQuery("DELETE FROM activity_event WHERE id IN (SELECT id FROM activity_event"
                        + " WHERE event_timestamp < $1 ORDER BY event_timestamp LIMIT $2 FOR UPDATE SKIP LOCKED)")
                .execute(Tuple.of(utc(cutoff), limit))
                .map(rows -> rows.rowCount());
    }

    /**
     * @param within null for the whole subscription, else the scopes (resource groups, machines) whose events the
     *               caller may read: lists show only what the caller may read
     */
    public Uni<List<ActivityEventRow>> page(String subscriptionId, ActivityFilter filter, PageCursor after, int limit,
                                            List<String> within) {
        StringBuilder where = new StringBuilder("subscription_id = $1");
        List<Object> params = new ArrayList<>(List.of(subscriptionId));
        if (within != null) {
            // lower(resource_id) and a '/' after the scope: a scope never matches a sibling whose name it prefixes.
            where.append(" AND (lower(resource_id) = ANY($").append(params.size() + 1).append(") OR lower(resource_id) LIKE ANY($")
                    .append(params.size() + 2).append("))");
            params.add(within.stream().map(s -> s.toLowerCase(Locale.ROOT)).toArray(String[]::new));
            params.add(within.stream().map(s -> s.toLowerCase(Locale.ROOT).replace("_", "\\_").replace("%", "\\%") + "/%")
                    .toArray(String[]::new));
        }
        if (filter.from() != null) {
            where.append(" AND event_timestamp >= $").append(params.size() + 1);
            params.add(utc(filter.from()));
        }
        if (filter.to() != null) {
            where.append(" AND event_timestamp <= $").append(params.size() + 1);
            params.add(utc(filter.to()));
        }
        if (filter.resourceGroupName() != null) {
            where.append(" AND lower(resource_group) = $").append(params.size() + 1);
            params.add(filter.resourceGroupName().toLowerCase(Locale.ROOT));
        }
        if (filter.resourceUri() != null) {
            where.append(" AND resource_id = $").append(params.size() + 1);
            params.add(filter.resourceUri().toLowerCase(Locale.ROOT));
        }
        if (filter.correlationId() != null) {
            where.append(" AND correlation_id = $").append(params.size() + 1);
            params.add(filter.correlationId());
        }
        if (filter.status() != null) {
            where.append(" AND lower(status) = $").append(params.size() + 1);
            params.add(filter.status().toLowerCase(Locale.ROOT));
        }
        if (after != null) {
            // The first condition bounds the index range scan; the second skips the events already returned.
            int time = params.size() + 1;
            where.append(" AND event_timestamp <= $").append(time).append(" AND (event_timestamp < $").append(time)
                    .append(" OR id < $").append(time + 1).append(")");
            params.add(utc(after.eventTimestamp()));
            params.add(after.id());
        }
        params.add(limit);
        return pool.preparedQuery("SELECT " + ActivityEventRow.COLUMNS + " FROM activity_event WHERE " + where
                        + " ORDER BY event_timestamp DESC, id DESC LIMIT $" + params.size())
                .execute(Tuple.from(params))
                .map(rows -> list(rows, ActivityEventRow::of));
    }
}
