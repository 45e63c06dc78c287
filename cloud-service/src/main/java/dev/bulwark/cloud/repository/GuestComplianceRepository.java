package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.entity.ActivityEventEntity;
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
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.bulwark.cloud.repository.ActivityEventBatch.column;

/**
 * Applies a batch of compliance reports in one transaction and a fixed number of statements, whatever the
 * batch size. Idempotent: the newest report (by the agent's evaluatedAt) wins, so a redelivery or an older
 * report changes nothing, and each assignment version's outcome event is written by the one transaction
 * that sets its {@code first_reported_at}.
 */
@ApplicationScoped
public class GuestComplianceRepository {
    @Inject
    Pool pool;

    /** The current version of an assignment, with what its outcome event needs. */
    public record Assignment(UUID assignmentId, String machineId, String name, String subscriptionId,
                             String resourceGroup, String correlationId, String caller) {
    }

    /** What one report shows, and the outcome event to log if it is its version's first. */
    public record Outcome(UUID assignmentId, String complianceStatus, Instant evaluatedAt, String errorCode,
                          String message, String resources, ActivityEventEntity firstReportEvent) {
    }

    /** The assignments whose current version is one of {@code assignmentIds}; earlier or deleted versions are absent. */
    public Uni<List<Assignment>> current(Collection<UUID> assignmentIds) {
        return pool.preparedQuery("SELECT g.assignment_id, g.machine_id, g.name, m.subscription_id, m.resource_group,"
                        + " g.correlation_id, g.caller FROM guest_assignment g JOIN machine m ON m.resource_id = g.machine_id"
                        + " WHERE g.assignment_id = ANY($1)")
                .execute(Tuple.of(assignmentIds.toArray(UUID[]::new)))
                .map(rows -> {
                    List<Assignment> found = new ArrayList<>();
                    for (Row row : rows) {
                        found.add(new Assignment(row.getUUID(0), row.getString(1), row.getString(2), row.getString(3),
                                row.getString(4), row.getString(5), row.getString(6)));
                    }
                    return found;
                });
    }

    /** @return how many first reports this batch logged (the rest were later reports or redeliveries) */
    public Uni<Integer> apply(List<Outcome> outcomes, Instant at) {
        if (outcomes.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        OffsetDateTime time = at.atOffset(ZoneOffset.UTC);
        return pool.withTransaction(connection -> claimFirstReports(connection, outcomes, time).chain(firsts -> {
            List<ActivityEventEntity> events = outcomes.stream().filter(o -> firsts.contains(o.assignmentId()))
                    .map(Outcome::firstReportEvent).toList();
            return showNewest(connection, outcomes)
                    .chain(() -> ActivityEventBatch.insert(connection, events, time))
                    .replaceWith(events.size());
        }));
    }

    private static Uni<Set<UUID>> claimFirstReports(SqlConnection connection, List<Outcome> outcomes, OffsetDateTime time) {
        return connection.preparedQuery("UPDATE guest_assignment SET first_reported_at = $2"
                        + " WHERE assignment_id = ANY($1) AND first_reported_at IS NULL RETURNING assignment_id")
                .execute(Tuple.of(column(outcomes, Outcome::assignmentId, UUID[]::new), time))
                .map(rows -> {
                    Set<UUID> claimed = new HashSet<>();
                    rows.forEach(row -> claimed.add(row.getUUID(0)));
                    return claimed;
                });
    }

    private static Uni<Void> showNewest(SqlConnection connection, List<Outcome> outcomes) {
        return connection.preparedQuery("UPDATE guest_assignment g SET compliance_status = v.status,"
                        + " last_compliance_checked = v.evaluated_at, report_error_code = v.error_code,"
                        + " report_message = v.message, report_resources = v.resources, updated_at = now()"
                        + " FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[])"
                        + " AS v(assignment_id, status, evaluated_at, error_code, message, resources)"
                        + " WHERE g.assignment_id = v.assignment_id"
                        + " AND (g.last_compliance_checked IS NULL OR v.evaluated_at > g.last_compliance_checked)")
                .execute(Tuple.of(column(outcomes, Outcome::assignmentId, UUID[]::new),
                        column(outcomes, Outcome::complianceStatus, String[]::new),
                        column(outcomes, o -> o.evaluatedAt().atOffset(ZoneOffset.UTC), OffsetDateTime[]::new),
                        column(outcomes, Outcome::errorCode, String[]::new),
                        column(outcomes, Outcome::message, String[]::new),
                        column(outcomes, Outcome::resources, String[]::new)))
                .replaceWithVoid();
    }
}
