package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.row.GuestAssignmentRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import static dev.bulwark.cloud.repository.ExtensionRepository.list;
import static dev.bulwark.cloud.repository.Sql.column;
import static dev.bulwark.cloud.repository.Sql.utc;

/**
 * The guest_assignment table: assignments of a machine (the unique (machine_id, name_key) index), and the
 * compliance reports shown on them, a batch per transaction in a fixed number of statements.
 */
@ApplicationScoped
public class GuestAssignmentRepository {
    @Inject
    Pool pool;

    /** The current version of an assignment, with what its outcome event needs. */
    public record Current(UUID assignmentId, String machineId, String name, String subscriptionId,
                          String resourceGroup, String correlationId, String caller) {
    }

    /** What one report shows. */
    public record Shown(UUID assignmentId, String complianceStatus, Instant evaluatedAt, String errorCode,
                        String message, String resources) {
    }

    public Uni<GuestAssignmentRow> findByName(SqlClient client, String machineId, String name) {
        return client.preparedQuery("SELECT " + GuestAssignmentRow.COLUMNS + " FROM guest_assignment"
                        + " WHERE machine_id = $1 AND name_key = $2")
                .execute(Tuple.of(machineId, nameKey(name)))
                .map(rows -> rows.size() == 0 ? null : GuestAssignmentRow.of(rows.iterator().next()));
    }

    public Uni<List<GuestAssignmentRow>> listByMachine(SqlClient client, String machineId) {
        return client.preparedQuery("SELECT " + GuestAssignmentRow.COLUMNS + " FROM guest_assignment"
                        + " WHERE machine_id = $1 ORDER BY name_key")
                .execute(Tuple.of(machineId))
                .map(rows -> list(rows, GuestAssignmentRow::of));
    }

    public Uni<Void> upsert(SqlClient client, GuestAssignmentRow a) {
        return client.preparedQuery("INSERT INTO guest_assignment (" + GuestAssignmentRow.COLUMNS + ", name_key) VALUES ($1,"
                        + " $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, lower($3))"
                        + " ON CONFLICT (id) DO UPDATE SET location = excluded.location,"
                        + " configuration_name = excluded.configuration_name, configuration_version = excluded.configuration_version,"
                        + " rules = excluded.rules, assignment_id = excluded.assignment_id, correlation_id = excluded.correlation_id,"
                        + " caller = excluded.caller, compliance_status = excluded.compliance_status,"
                        + " last_compliance_checked = excluded.last_compliance_checked, report_error_code = excluded.report_error_code,"
                        + " report_message = excluded.report_message, report_resources = excluded.report_resources,"
                        + " first_reported_at = excluded.first_reported_at, updated_at = excluded.updated_at")
                .execute(Tuple.from(new Object[]{a.id(), a.machineId(), a.name(), a.location(), a.configurationName(),
                        a.configurationVersion(), a.rules(), a.assignmentId(), a.correlationId(), a.caller(),
                        a.complianceStatus(), utc(a.lastComplianceChecked()), a.reportErrorCode(), a.reportMessage(),
                        a.reportResources(), utc(a.firstReportedAt()), utc(a.createdAt()), utc(a.updatedAt())}))
                .replaceWithVoid();
    }

    public Uni<Void> delete(SqlClient client, UUID id) {
        return client.preparedQuery("DELETE FROM guest_assignment WHERE id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    /** The assignments whose current version is one of {@code assignmentIds}; earlier or deleted versions are absent. */
    public Uni<List<Current>> current(Collection<UUID> assignmentIds) {
        return pool.preparedQuery("SELECT g.assignment_id, g.machine_id, g.name, m.subscription_id, m.resource_group,"
                        + " g.correlation_id, g.caller FROM guest_assignment g JOIN machine m ON m.resource_id = g.machine_id"
                        + " WHERE g.assignment_id = ANY($1)")
                .execute(Tuple.of(assignmentIds.toArray(UUID[]::new)))
                .map(rows -> list(rows, row -> new Current(row.getUUID(0), row.getString(1), row.getString(2),
                        row.getString(3), row.getString(4), row.getString(5), row.getString(6))));
    }

    /**
     * Marks the versions that had no report yet as reported, and returns them: their outcome events are
     * logged by this transaction alone, however often a report is delivered.
     */
    public Uni<Set<UUID>> claimFirstReports(SqlConnection connection, Collection<UUID> assignmentIds, Instant at) {
        return connection.preparedQuery("UPDATE guest_assignment SET first_reported_at = $2"
                        + " WHERE assignment_id = ANY($1) AND first_reported_at IS NULL RETURNING assignment_id")
                .execute(Tuple.of(assignmentIds.toArray(UUID[]::new), utc(at)))
                .map(rows -> {
                    Set<UUID> claimed = new HashSet<>();
                    for (Row row : rows) {
                        claimed.add(row.getUUID(0));
                    }
                    return claimed;
                });
    }

    /** Each assignment shows its newest report (by the agent's evaluatedAt): an older or repeated one changes nothing. */
    public Uni<Void> showNewest(SqlConnection connection, List<Shown> reports, Instant at) {
        return connection.preparedQuery("UPDATE guest_assignment g SET compliance_status = v.status,"
                        + " last_compliance_checked = v.evaluated_at, report_error_code = v.error_code,"
                        + " report_message = v.message, report_resources = v.resources, updated_at = $7"
                        + " FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[])"
                        + " AS v(assignment_id, status, evaluated_at, error_code, message, resources)"
                        + " WHERE g.assignment_id = v.assignment_id"
                        + " AND (g.last_compliance_checked IS NULL OR v.evaluated_at > g.last_compliance_checked)")
                .execute(Tuple.from(List.of(column(reports, Shown::assignmentId, UUID[]::new),
                        column(reports, Shown::complianceStatus, String[]::new),
                        column(reports, r -> utc(r.evaluatedAt()), OffsetDateTime[]::new),
                        column(reports, Shown::errorCode, String[]::new),
                        column(reports, Shown::message, String[]::new),
                        column(reports, Shown::resources, String[]::new), utc(at))))
                .replaceWithVoid();
    }

    public static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
