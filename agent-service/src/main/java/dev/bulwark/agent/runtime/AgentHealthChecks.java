package dev.bulwark.agent.runtime;

import dev.bulwark.agent.host.AgentHost;
import dev.bulwark.agent.host.HostStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.time.Instant;

/**
 * {@code /q/health}: ready once the operations consumer has partitions and keeps polling; live while its
 * thread runs.
 */
@ApplicationScoped
public class AgentHealthChecks {
    private final AgentHostLifecycle lifecycle;

    AgentHealthChecks(AgentHostLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Produces
    @Readiness
    HealthCheck operationsConsumerReady() {
        return () -> {
            AgentHost host = lifecycle.host();
            HostStatus status = host == null ? null : host.status();
            return describe(HealthCheckResponse.named("operations-consumer"), status)
                    .status(status != null && status.ready(Instant.now())).build();
        };
    }

    @Produces
    @Liveness
    HealthCheck operationsConsumerAlive() {
        return () -> {
            AgentHost host = lifecycle.host();
            HostStatus status = host == null ? null : host.status();
            return describe(HealthCheckResponse.named("operations-consumer-thread"), status)
                    .status(status == null || !status.running() || status.consumerAlive()).build();
        };
    }

    private static HealthCheckResponseBuilder describe(HealthCheckResponseBuilder builder, HostStatus status) {
        if (status == null) {
            return builder.withData("state", "starting");
        }
        builder.withData("machines", status.machines()).withData("assignedPartitions", status.assignedPartitions())
                .withData("lastActivity", String.valueOf(status.lastActivity()));
        return status.lastError() == null ? builder : builder.withData("lastError", status.lastError());
    }

}
