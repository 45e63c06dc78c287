package dev.bulwark.cloud.rest.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cloud.repository.row.GuestAssignmentRow;
import dev.bulwark.model.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A guest configuration assignment as ARM shows {@code Microsoft.GuestConfiguration/guestConfigurationAssignments}:
 * what the machine evaluates, {@code complianceStatus} (Pending until its first report) and the latest report.
 */
public record GuestAssignmentView(String id, String name, String type, String location, Properties properties) {
    public static final String TYPE = "Microsoft.GuestConfiguration/guestConfigurationAssignments";

    public record Properties(Configuration guestConfiguration, String complianceStatus, Instant lastComplianceStatusChecked,
                             String provisioningState, Report latestAssignmentReport) {
    }

    public record Configuration(String name, String version, JsonNode rules) {
    }

    /** {@code resources}: one per rule, {@code {id, complianceStatus, reason}}. */
    public record Report(String complianceStatus, Instant lastComplianceStatusChecked, String errorCode, String message,
                         JsonNode resources) {
    }

    /** @param machineUri the machine's resource id as ARM spells it (the path the client used) */
    public static GuestAssignmentView of(String machineUri, GuestAssignmentRow assignment) {
        Report report = assignment.lastComplianceChecked() == null ? null : new Report(assignment.complianceStatus(),
                assignment.lastComplianceChecked(), assignment.reportErrorCode(), assignment.reportMessage(),
                json(assignment.reportResources()));
        return new GuestAssignmentView(machineUri + "/providers/" + TYPE + "/" + assignment.name(), assignment.name(), TYPE,
                assignment.location(), new Properties(new Configuration(assignment.configurationName(),
                assignment.configurationVersion(), json(assignment.rules())), assignment.complianceStatus(),
                assignment.lastComplianceChecked(), "Succeeded", report));
    }

    /** Stored JSON lists (written by this service, so always readable). */
    private static JsonNode json(String text) {
        try {
            return text == null ? null : Json.MAPPER.readTree(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
