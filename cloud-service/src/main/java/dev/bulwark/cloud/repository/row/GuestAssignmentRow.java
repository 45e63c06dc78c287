package dev.bulwark.cloud.repository.row;

import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

import static dev.bulwark.cloud.repository.Sql.instant;

/**
 * A guest configuration assignment on a machine: its current version and what the latest report said.
 *
 * @param rules            JSON list of the rules, as the GuestAssignment message carries them
 * @param assignmentId     the current version's id: the message's assignmentId, which reports name
 * @param reportResources  JSON list of {id, complianceStatus, reason}, as the API shows them
 */
public record GuestAssignmentRow(UUID id, String machineId, String name, String location, String configurationName,
                                 String configurationVersion, String rules, UUID assignmentId, String correlationId,
                                 String caller, String complianceStatus, Instant lastComplianceChecked,
                                 String reportErrorCode, String reportMessage, String reportResources,
                                 Instant firstReportedAt, Instant createdAt, Instant updatedAt) {

    public static final String COLUMNS = "id, machine_id, name, location, configuration_name, configuration_version, rules,"
            + " assignment_id, correlation_id, caller, compliance_status, last_compliance_checked, report_error_code,"
            + " report_message, report_resources, first_reported_at, created_at, updated_at";

    public static GuestAssignmentRow of(Row row) {
        return new GuestAssignmentRow(row.getUUID(0), row.getString(1), row.getString(2), row.getString(3),
                row.getString(4), row.getString(5), row.getString(6), row.getUUID(7), row.getString(8), row.getString(9),
                row.getString(10), instant(row, 11), row.getString(12), row.getString(13), row.getString(14),
                instant(row, 15), instant(row, 16), instant(row, 17));
    }
}
