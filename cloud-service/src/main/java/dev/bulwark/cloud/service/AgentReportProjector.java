package dev.bulwark.cloud.service;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.messaging.Verified;
import dev.bulwark.cloud.repository.MachineRepository;
import dev.bulwark.cloud.repository.MachineRepository.LatestReport;
import dev.bulwark.cloud.service.rollout.ReportedRules;
import dev.bulwark.model.AgentReport;
import dev.bulwark.model.Json;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shows what agents report on their machines: the latest configuration (read-only, by the agent's
 * sentAt), its decision inputs for rollout predictions, and the connection status. A batch keeps only each
 * machine's newest report: a fleet reporting every few minutes costs one UPDATE per batch. Before that,
 * {@link ExtensionReconciler} reinstalls what the newest reports show removed locally (one lookup per
 * batch): its transaction commits before the report shows, so once a report is visible on the machine, its
 * reinstalls are issued.
 */
@ApplicationScoped
public class AgentReportProjector {
    @Inject
    MachineRepository machines;
    @Inject
    CloudConfig config;
    @Inject
    ExtensionReconciler reconciler;

    public Uni<Integer> project(List<Verified<AgentReport>> reports) {
        Map<String, AgentReport> newest = new LinkedHashMap<>();
        for (Verified<AgentReport> verified : reports) {
            AgentReport report = verified.message();
            newest.merge(report.machineId(), report, (a, b) -> b.sentAt().isAfter(a.sentAt()) ? b : a);
        }
        List<LatestReport> latest = newest.values().stream().map(AgentReportProjector::latest).toList();
        return reconciler.reconcile(newest.values()).chain(() -> {
            Instant now = Timestamps.now();
            return machines.recordReports(latest, now, now.minus(config.disconnectedAfter()));
        });
    }

    private static LatestReport latest(AgentReport report) {
        var configuration = report.configuration();
        return new LatestReport(report.machineId(), report.agentVersion(),
                configuration == null ? null : Json.encodeToString(configuration),
                configuration == null ? null : ReportedRules.canonical(configuration),
                configuration == null ? null : configuration.changedAt(), report.sentAt());
    }
}
