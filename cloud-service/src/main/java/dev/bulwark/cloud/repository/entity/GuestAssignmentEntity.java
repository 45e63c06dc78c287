package dev.bulwark.cloud.repository.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A guest configuration assignment on a machine: its current version and what the latest report said. */
@Entity
@Table(name = "guest_assignment")
public class GuestAssignmentEntity {
    @Id
    public UUID id;
    @Column(name = "machine_id")
    public String machineId;
    public String name;
    @Column(name = "name_key")
    public String nameKey;
    public String location;
    @Column(name = "configuration_name")
    public String configurationName;
    @Column(name = "configuration_version")
    public String configurationVersion;
    /** JSON list of the rules, as the GuestAssignment message carries them. */
    public String rules;
    /** The current version's id: the message's assignmentId, which reports name. */
    @Column(name = "assignment_id")
    public UUID assignmentId;
    @Column(name = "correlation_id")
    public String correlationId;
    public String caller;
    @Column(name = "compliance_status")
    public String complianceStatus;
    @Column(name = "last_compliance_checked")
    public Instant lastComplianceChecked;
    @Column(name = "report_error_code")
    public String reportErrorCode;
    @Column(name = "report_message")
    public String reportMessage;
    /** JSON list of {id, complianceStatus, reason}, as the API shows them. */
    @Column(name = "report_resources")
    public String reportResources;
    @Column(name = "first_reported_at")
    public Instant firstReportedAt;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
