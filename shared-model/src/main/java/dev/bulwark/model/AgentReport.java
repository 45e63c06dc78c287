package dev.bulwark.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Topic {@value Topics#AGENT_REPORTS}, agent to cloud: sent at start, after any local change and every
 * sync interval. Signed by the machine's key. The cloud only displays it.
 */
public record AgentReport(int schemaVersion, String machineId, String agentVersion, AgentConfiguration configuration,
                          List<InstalledExtension> extensions, Instant sentAt, String signature)
        implements Signed<AgentReport> {

    public static final int SCHEMA_VERSION = 1;

    public AgentReport {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(sentAt, "sentAt");
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
    }

    @Override
    public AgentReport withSignature(String signature) {
        return new AgentReport(schemaVersion, machineId, agentVersion, configuration, extensions, sentAt, signature);
    }
}
