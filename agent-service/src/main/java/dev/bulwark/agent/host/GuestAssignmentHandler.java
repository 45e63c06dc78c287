package dev.bulwark.agent.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.agent.config.LocalConfig;
import dev.bulwark.agent.guest.GuestEvaluator;
import dev.bulwark.agent.guest.GuestRules;
import dev.bulwark.agent.guest.GuestStore;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.DeadLetterRecords;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.GuestComplianceReport;
import dev.bulwark.model.Json;
import dev.bulwark.model.MessageFormatException;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.MessageSigner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The agent part of guest configuration. For each record of {@value Topics#GUEST_ASSIGNMENTS}: the same
 * checks as an operation (key = {@code machineId}, the cloud's signature, else dead-letter; one issued later than
 * this machine's clock plus the clock skew is refused, as an operation would be), then the assignment is kept in the machine's {@link GuestStore} (or forgotten when {@code removed}), evaluated
 * read-only, and a {@link GuestComplianceReport} signed by the machine goes to
 * {@value Topics#GUEST_COMPLIANCE}. Kept assignments are evaluated again every sync interval and after a
 * local configuration change ({@link #recheck}); a report is sent only when the result changed.
 *
 * <p>Audit only: nothing here writes anything but the machine's own assignment file, and the local
 * configuration is only read. Turning guest configuration off ({@code guestconfiguration.enabled false},
 * or monitor mode) makes every assignment NotEvaluated with {@code GuestConfigurationDisabled}.
 */
final class GuestAssignmentHandler {
    private final GuestEvaluator evaluator;
    private final Clock clock;
    private final Duration clockSkew;
    private final HostStats stats;

    /** @param clockSkew how far ahead of this machine's clock an assignment's issuedAt may be (as for operations) */
    GuestAssignmentHandler(Path agentHome, Clock clock, Duration clockSkew, HostStats stats) {
        this.evaluator = new GuestEvaluator(new GuestRules(List.of(agentHome)));
        this.clock = clock;
        this.clockSkew = clockSkew;
        this.stats = stats;
    }

    /** The compliance report to publish, a dead letter, or null (a stale copy, or a withdrawal). */
    CompletableFuture<ProducerRecord<byte[], byte[]>> handle(Machine machine, ConsumerRecord<byte[], byte[]> record) {
        GuestAssignment assignment;
        try {
            assignment = verified(machine, record);
        } catch (MessageFormatException refused) {
            stats.deadLetters.increment();
            return CompletableFuture.completedFuture(DeadLetterRecords.of(record, refused));
        }
        Instant now = clock.instant();
        if (assignment.issuedAt().isAfter(now.plus(clockSkew))) {
            // Kept, it would make every later version of its name look older, so none would be evaluated again.
            // Issued long ago is fine: an assignment is state, not a command, and a newer one replaces it.
            stats.deadLetters.increment();
            return CompletableFuture.completedFuture(DeadLetterRecords.of(record, DeadLetter.Reason.OperationRefused,
                    "Guest assignment " + assignment.name() + " (" + assignment.assignmentId() + ") was not kept: it claims"
                            + " to be issued at " + assignment.issuedAt() + ", more than " + clockSkew + " after this"
                            + " machine's clock (" + now + ") (bulwark.agent.operation-clock-skew). Check the clocks of the"
                            + " cloud and of this machine.", ErrorCode.OperationNotYetValid));
        }
        stats.guestAssignments.increment();
        try {
            GuestEvaluator.Evaluation evaluation = assignment.removed() ? null
                    : evaluator.evaluate(assignment, machine.config().read());
            GuestStore.Acceptance acceptance = store(machine).accept(assignment, evaluation == null ? null : evaluation.digest());
            if (acceptance != GuestStore.Acceptance.KEPT) {
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.completedFuture(report(machine, assignment, evaluation));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Evaluates the machine's kept assignments again; the reports of those whose result changed (or of all). */
    List<ProducerRecord<byte[], byte[]>> recheck(Machine machine, boolean all) throws IOException {
        GuestStore store = store(machine);
        if (store.isEmpty()) {
            return List.of();
        }
        LocalConfig config = machine.config().read();
        List<ProducerRecord<byte[], byte[]>> reports = new ArrayList<>();
        for (GuestStore.Kept kept : store.read().assignments().values()) {
            GuestAssignment assignment = kept.assignment();
            GuestEvaluator.Evaluation evaluation = evaluator.evaluate(assignment, config);
            String digest = evaluation.digest();
            boolean changed = !digest.equals(kept.reported())
                    && store.recordReported(assignment.assignmentId(), assignment.issuedAt(), digest);
            if (changed || all) {
                reports.add(report(machine, assignment, evaluation));
            }
        }
        return reports;
    }

    private static GuestStore store(Machine machine) {
        return new GuestStore(machine.home(), machine.durable());
    }

    private static GuestAssignment verified(Machine machine, ConsumerRecord<byte[], byte[]> record) {
        JsonNode tree = SignedRecords.verifiedAssignment(machine, record);
        GuestAssignment assignment = Json.decodeTree(tree, GuestAssignment.class, GuestAssignment.SCHEMA_VERSION);
        if (assignment.assignmentId().isBlank()) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "assignmentId is empty");
        }
        return assignment;
    }

    private ProducerRecord<byte[], byte[]> report(Machine machine, GuestAssignment assignment,
                                                  GuestEvaluator.Evaluation evaluation) {
        GuestComplianceReport report = MessageSigner.sign(new GuestComplianceReport(GuestComplianceReport.SCHEMA_VERSION,
                assignment.assignmentId(), machine.machineId(), assignment.name(), evaluation.complianceStatus(),
                evaluation.errorCode(), evaluation.message(), evaluation.rules(), clock.instant(), null), machine.signingKey());
        stats.guestReports.increment();
        return new ProducerRecord<>(Topics.GUEST_COMPLIANCE, machine.machineId().getBytes(StandardCharsets.UTF_8),
                Json.encode(report));
    }
}
