package dev.bulwark.cloud.service;

import dev.bulwark.cloud.messaging.Rejected;
import dev.bulwark.cloud.messaging.Verified;
import dev.bulwark.cloud.repository.ActivityEventRepository;
import dev.bulwark.cloud.repository.GuestAssignmentRepository;
import dev.bulwark.cloud.repository.GuestAssignmentRepository.Current;
import dev.bulwark.cloud.repository.GuestAssignmentRepository.Shown;
import dev.bulwark.cloud.repository.row.ActivityEventRow;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.GuestComplianceReport;
import dev.bulwark.model.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Shows verified compliance reports on their assignments, a batch per transaction: each assignment shows
 * its newest report, and the first report of an assignment version logs the PUT's outcome event
 * (Succeeded when the machine evaluated the rules, Failed with its errorCode when it did not, e.g.
 * GuestConfigurationDisabled). Reports of an earlier or deleted version are ignored.
 */
@ApplicationScoped
public class GuestComplianceProjector {
    private static final Logger LOG = Logger.getLogger(GuestComplianceProjector.class);

    @Inject
    Pool pool;
    @Inject
    GuestAssignmentRepository assignments;
    @Inject
    ActivityEventRepository events;
    @Inject
    MeterRegistry metrics;

    /** A rule's result as the API shows it in {@code latestAssignmentReport.resources}. */
    public record RuleResource(String id, String complianceStatus, String reason) {
    }

    /** What one report shows, and the outcome event to log if it is its version's first. */
    record Outcome(Shown shown, ActivityEventRow firstReportEvent) {
    }

    /** @return reports the consumer dead-letters: another machine's assignment, or a status no report may have */
    public Uni<List<Rejected>> project(List<Verified<GuestComplianceReport>> reports) {
        List<Rejected> rejected = new ArrayList<>();
        Map<UUID, Verified<GuestComplianceReport>> newest = new LinkedHashMap<>();
        for (Verified<GuestComplianceReport> verified : reports) {
            GuestComplianceReport report = verified.message();
            UUID id = uuidOrNull(report.assignmentId());
            if (!ComplianceStatus.REPORTED.contains(report.complianceStatus())) {
                rejected.add(new Rejected(verified.record(), DeadLetter.Reason.MalformedMessage, "complianceStatus '"
                        + InstanceViews.cap(report.complianceStatus()) + "' is not Compliant, NonCompliant or NotEvaluated"));
            } else if (id == null) {
                LOG.warnf("Ignored a compliance report of machine %s for '%s': not an assignment id", report.machineId(),
                        InstanceViews.cap(report.assignmentId()));
            } else {
                newest.merge(id, verified, (a, b) -> b.message().evaluatedAt().isAfter(a.message().evaluatedAt()) ? b : a);
            }
        }
        if (newest.isEmpty()) {
            return Uni.createFrom().item(rejected);
        }
        return assignments.current(newest.keySet()).chain(current -> {
            Instant now = Timestamps.now();
            List<Outcome> outcomes = new ArrayList<>();
            Map<UUID, Verified<GuestComplianceReport>> unknown = new LinkedHashMap<>(newest);
            for (Current assignment : current) {
                Verified<GuestComplianceReport> verified = unknown.remove(assignment.assignmentId());
                if (!assignment.machineId().equals(verified.message().machineId())) {
                    rejected.add(new Rejected(verified.record(), DeadLetter.Reason.MachineIdMismatch, "assignment "
                            + assignment.assignmentId() + " was sent to another machine, not '" + verified.message().machineId() + "'"));
                } else {
                    outcomes.add(outcome(assignment, verified.message(), now));
                }
            }
            unknown.forEach((id, report) -> LOG.debugf("Ignored a compliance report of machine %s for assignment version %s:"
                    + " replaced or deleted since", report.message().machineId(), id));
            return apply(outcomes, now).map(firsts -> {
                metrics.counter("bulwark.guest.reports.applied").increment(outcomes.size());
                return rejected;
            });
        });
    }

    /**
     * In one transaction and a fixed number of statements: each assignment shows its newest report, and the
     * first report of each version logs its outcome event (the claim makes that happen once).
     *
     * @return how many first reports this batch logged
     */
    private Uni<Integer> apply(List<Outcome> outcomes, Instant now) {
        if (outcomes.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<UUID> ids = outcomes.stream().map(o -> o.shown().assignmentId()).toList();
        return pool.withTransaction(tx -> assignments.claimFirstReports(tx, ids, now).chain(firsts -> {
            List<ActivityEventRow> logged = outcomes.stream().filter(o -> firsts.contains(o.shown().assignmentId()))
                    .map(Outcome::firstReportEvent).toList();
            return assignments.showNewest(tx, outcomes.stream().map(Outcome::shown).toList(), now)
                    .chain(() -> events.insert(tx, logged))
                    .replaceWith(logged.size());
        }));
    }

    static Outcome outcome(Current assignment, GuestComplianceReport report, Instant now) {
        boolean evaluated = !ComplianceStatus.NOT_EVALUATED.equals(report.complianceStatus());
        String errorCode = evaluated ? null : report.errorCode() != null ? InstanceViews.cap(report.errorCode())
                : "GuestConfigurationNotEvaluated";
        String message = InstanceViews.cap(report.message() != null ? report.message()
                : "Guest configuration assignment '" + assignment.name() + "' on machine " + assignment.machineId() + ": "
                + report.complianceStatus() + " (" + compliantRules(report) + " of " + report.rules().size() + " rules compliant)");
        List<RuleResource> resources = report.rules().stream().map(rule -> new RuleResource(InstanceViews.cap(rule.id()),
                rule.compliant() ? ComplianceStatus.COMPLIANT : ComplianceStatus.NON_COMPLIANT, InstanceViews.cap(rule.reason())))
                .toList();
        var subject = new ActivityEvents.Subject(assignment.subscriptionId(), assignment.resourceGroup(),
                GuestAssignmentAddress.resourceId(assignment.machineId(), assignment.name()), assignment.correlationId(),
                assignment.assignmentId(), ArmOperation.GUEST_ASSIGNMENT_WRITE.value(), assignment.caller(), null);
        return new Outcome(new Shown(assignment.assignmentId(), report.complianceStatus(), report.evaluatedAt(), errorCode,
                message, Json.encodeToString(resources)), ActivityEvents.outcome(subject, evaluated, errorCode, message, now));
    }

    private static long compliantRules(GuestComplianceReport report) {
        return report.rules().stream().filter(GuestComplianceReport.RuleResult::compliant).count();
    }

    private static UUID uuidOrNull(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
