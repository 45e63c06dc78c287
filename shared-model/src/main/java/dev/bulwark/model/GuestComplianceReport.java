package dev.bulwark.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Topic {@value Topics#GUEST_COMPLIANCE}, agent to cloud: the result of evaluating a {@link GuestAssignment}.
 * {@code complianceStatus} is Compliant or NonCompliant, or NotEvaluated with {@code errorCode}
 * {@code GuestConfigurationDisabled} when the machine's local rules switch guest configuration off.
 * Signed by the machine.
 */
public record GuestComplianceReport(int schemaVersion, String assignmentId, String machineId, String name,
                                    String complianceStatus, String errorCode, String message,
                                    List<RuleResult> rules, Instant evaluatedAt, String signature)
        implements Signed<GuestComplianceReport> {

    public static final int SCHEMA_VERSION = 1;
    public static final String COMPLIANT = "Compliant";
    public static final String NON_COMPLIANT = "NonCompliant";
    public static final String NOT_EVALUATED = "NotEvaluated";

    public GuestComplianceReport {
        Objects.requireNonNull(assignmentId, "assignmentId");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(complianceStatus, "complianceStatus");
        Objects.requireNonNull(evaluatedAt, "evaluatedAt");
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    public record RuleResult(String id, boolean compliant, String reason) {
    }

    @Override
    public GuestComplianceReport withSignature(String signature) {
        return new GuestComplianceReport(schemaVersion, assignmentId, machineId, name, complianceStatus, errorCode,
                message, rules, evaluatedAt, signature);
    }
}
