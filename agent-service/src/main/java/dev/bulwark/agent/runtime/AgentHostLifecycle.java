package dev.bulwark.agent.runtime;

import dev.bulwark.agent.AgentHome;
import dev.bulwark.agent.AgentPlugins;
import dev.bulwark.agent.host.AgentHost;
import dev.bulwark.agent.host.AgentHostSettings;
import dev.bulwark.agent.pkg.PrivateEndpoint;
import dev.bulwark.agent.pkg.VerifyingPackageGate;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Starts the plain-Java {@link AgentHost} with the process's configuration, and stops it at shutdown. Its Kafka
 * clients connect to {@code kafka.bootstrap.servers} with the {@link KafkaSecuritySettings} ({@code kafka.sasl.*}...).
 */
@ApplicationScoped
public class AgentHostLifecycle {
    private final AgentRuntimeConfig config;
    private final String bootstrapServers;
    private final MeterRegistry registry;
    private volatile AgentHost host;

    AgentHostLifecycle(AgentRuntimeConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                       MeterRegistry registry) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) {
        Path home = AgentHome.resolve(config.home().orElse(null), System.getenv());
        PrivateEndpoint privateEndpoint;
        try {
            privateEndpoint = PrivateEndpoint.parse(config.privateEndpoint());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bulwark.agent.private-endpoint: " + e.getMessage(), e);
        }
        AgentHostSettings.Builder settings = AgentHostSettings.builder(home, bootstrapServers)
                .syncInterval(config.syncInterval())
                .configCheckInterval(config.configCheckInterval())
                .handlerDuration(config.handlerDuration().orElse(null))
                .handler(handlerKind(config.handler()))
                .handlerTimeout(config.handlerTimeout())
                .durableState(config.durableState())
                .maxPollRecords(config.maxPollRecords())
                .operationMaxAge(config.operationMaxAge())
                .clockSkew(config.operationClockSkew())
                .packageGate(AgentPlugins.packageGate(home, VerifyingPackageGate.Options.defaults()
                        .withPrivateEndpoint(privateEndpoint).withDurable(config.durableState())))
                .privateEndpoint(privateEndpoint);
        KafkaSecuritySettings.from(ConfigProvider.getConfig()).forEach(settings::kafka);
        config.kafka().forEach(settings::kafka);
        try {
            host = AgentHost.create(settings.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        AgentMetrics.bind(host, registry);
        host.start();
    }

    void stop(@Observes ShutdownEvent event) {
        AgentHost running = host;
        if (running != null) {
            running.close();
        }
    }

    private static AgentHostSettings.HandlerKind handlerKind(String value) {
        try {
            return AgentHostSettings.HandlerKind.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bulwark.agent.handler is '" + value + "'; expected auto, process or simulated", e);
        }
    }

    /** The running host, or null before start-up finished. */
    public AgentHost host() {
        return host;
    }
}
