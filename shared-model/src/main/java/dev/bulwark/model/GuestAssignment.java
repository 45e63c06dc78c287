package dev.bulwark.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Topic {@value Topics#GUEST_ASSIGNMENTS}, cloud to agent: a guest configuration assignment, an audit rule
 * set the machine evaluates and reports on. Audit only: rules read the machine, they never change it, and
 * a rule's result is a yes/no, never file content. {@code removed} withdraws the assignment. Signed by the
 * cloud. Evaluated only while {@code guestconfiguration.enabled} is true and the agent is in full mode.
 */
public record GuestAssignment(int schemaVersion, String assignmentId, String machineId, String name,
                              List<Rule> rules, boolean removed, Instant issuedAt, String signature)
        implements Signed<GuestAssignment> {

    public static final int SCHEMA_VERSION = 1;

    public GuestAssignment {
        Objects.requireNonNull(assignmentId, "assignmentId");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(issuedAt, "issuedAt");
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    /** {@code FileExists}, {@code FileAbsent} ({@code path}) or {@code FileContains} ({@code path}, {@code pattern}, a literal). */
    public record Rule(String id, RuleKind kind, String path, String pattern) {
    }

    public enum RuleKind {
        FileExists, FileAbsent, FileContains
    }

    @Override
    public GuestAssignment withSignature(String signature) {
        return new GuestAssignment(schemaVersion, assignmentId, machineId, name, rules, removed, issuedAt, signature);
    }
}
