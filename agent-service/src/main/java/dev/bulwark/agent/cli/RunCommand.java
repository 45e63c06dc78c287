package dev.bulwark.agent.cli;

import dev.bulwark.agent.pkg.PrivateEndpoint;
import dev.bulwark.agent.runtime.AgentApplication;
import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code run}: the agent process. The only verb that starts Quarkus (for Kafka wiring, health and
 * metrics); options become configuration properties, and Quarkus configuration (system properties,
 * environment, application.properties) supplies the rest.
 */
@Command(name = "run", description = "Run the agent for this machine or the simulated fleet under HOME.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--kafka-bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka to use (default: kafka.bootstrap.servers, KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--sync-interval", paramLabel = "ISO-8601", description = "How often every machine reports (default PT5M).")
    String syncInterval;

    @Option(names = "--handler-duration", paramLabel = "ISO-8601",
            description = "How long a simulated handler takes (default: PT0.2S for one machine, PT0S for a fleet).")
    String handlerDuration;

    @Option(names = "--handler", paramLabel = "auto|process|simulated",
            description = "What runs extensions: process (the real handler protocol), simulated (no process), or auto"
                    + " (the default: process for a home that is one machine, simulated for a fleet).")
    String handler;

    @Option(names = "--handler-timeout", paramLabel = "ISO-8601",
            description = "How long one handler command may run before it is killed with its processes (default PT90M).")
    String handlerTimeout;

    @Option(names = "--private-endpoint", paramLabel = "on|off|URL", arity = "0..1", fallbackValue = "on",
            description = "Download catalogs and packages through each machine's cloud URL (on, the value when"
                    + " none is given) or through URL, instead of straight from storage (off, the default).")
    String privateEndpoint;

    @Override
    public Integer call() {
        if (privateEndpoint != null) {
            try {
                PrivateEndpoint.parse(privateEndpoint);
            } catch (IllegalArgumentException e) {
                throw CliException.usage("InvalidArgument", "--private-endpoint " + e.getMessage());
            }
        }
        if (common.home != null || System.getProperty("bulwark.agent.home") == null) {
            System.setProperty("bulwark.agent.home", common.home().toString());
        }
        setIfGiven("kafka.bootstrap.servers", bootstrapServers);
        setIfGiven("bulwark.agent.sync-interval", syncInterval);
        setIfGiven("bulwark.agent.handler-duration", handlerDuration);
        setIfGiven("bulwark.agent.private-endpoint", privateEndpoint);
        setIfGiven("bulwark.agent.handler", handler);
        setIfGiven("bulwark.agent.handler-timeout", handlerTimeout);
        Quarkus.run(AgentApplication.class);
        return ExitCodes.OK;
    }

    private static void setIfGiven(String property, String value) {
        if (value != null && !value.isBlank()) {
            System.setProperty(property, value.trim());
        }
    }
}
