package dev.bulwark.agent.runtime;

import dev.bulwark.agent.host.AgentHost;
import dev.bulwark.agent.host.HostStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/** {@code /q/metrics}: the host's counters as Prometheus meters ({@code bulwark_agent_*}). */
final class AgentMetrics {
    private AgentMetrics() {
    }

    static void bind(AgentHost host, MeterRegistry registry) {
        HostStats stats = host.stats();
        Gauge.builder("bulwark.agent.machines", host, h -> h.machines().size())
                .description("Machines this agent process hosts").register(registry);
        counter(registry, "bulwark.agent.records.consumed", "Operation records read", stats, s -> s.consumed);
        counter(registry, "bulwark.agent.records.ignored", "Operation records for machines hosted elsewhere", stats, s -> s.ignored);
        counter(registry, "bulwark.agent.operations.succeeded", "Operations that succeeded", stats, s -> s.succeeded);
        counter(registry, "bulwark.agent.operations.failed", "Operations that failed, blocked ones included", stats, s -> s.failed);
        counter(registry, "bulwark.agent.operations.blocked", "Operations refused by local rules", stats, s -> s.blocked);
        counter(registry, "bulwark.agent.operations.duplicates", "Redelivered operations answered from state", stats, s -> s.duplicates);
        counter(registry, "bulwark.agent.operations.refused", "Operations refused as replayed, expired or not yet valid", stats, s -> s.refused);
        counter(registry, "bulwark.agent.dead.letters", "Records sent to the dead-letter topic", stats, s -> s.deadLetters);
        counter(registry, "bulwark.agent.reports.sent", "Agent reports acknowledged by Kafka", stats, s -> s.reportsSent);
        counter(registry, "bulwark.agent.publish.retries", "Records handled again because their output could not be published", stats, s -> s.publishRetries);
        counter(registry, "bulwark.agent.local.failures", "Operations failed on one machine because its own files failed", stats, s -> s.localFailures);
        counter(registry, "bulwark.agent.guest.assignments", "Guest assignments received", stats, s -> s.guestAssignments);
        counter(registry, "bulwark.agent.guest.reports", "Guest compliance reports produced", stats, s -> s.guestReports);
    }

    private static void counter(MeterRegistry registry, String name, String description, HostStats stats,
                                Function<HostStats, LongAdder> adder) {
        FunctionCounter.builder(name, stats, s -> adder.apply(s).sum()).description(description).register(registry);
    }
}
