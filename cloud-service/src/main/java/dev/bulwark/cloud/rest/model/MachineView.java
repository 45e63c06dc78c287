package dev.bulwark.cloud.rest.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cloud.repository.row.MachineRow;
import dev.bulwark.cloud.rest.HybridComputeVersion;
import dev.bulwark.cloud.service.MachineStatus;
import dev.bulwark.model.Json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** A machine as ARM shows {@code Microsoft.HybridCompute/machines}, in the shape of the request's api-version. */
public record MachineView(String id, String name, String type, String location, JsonNode tags, Properties properties) {
    public static final String TYPE = "Microsoft.HybridCompute/machines";

    /**
     * {@code agentConfiguration}: the agent's local settings from its latest report, read-only.
     * {@code cloudSigningKey}: base64 X.509 Ed25519 key the agent verifies every operation with.
     * {@code catalogSigningKeys}: base64 X.509 Ed25519 keys of the signed catalog, which {@code connect} takes
     * as the machine's first catalog trust roots (later changed only by {@code package trust} on the machine).
     */
    public record Properties(String provisioningState, String status, String agentVersion, Instant lastStatusChange,
                             JsonNode agentConfiguration, String cloudSigningKey, List<String> catalogSigningKeys) {
    }

    public static MachineView of(MachineRow machine, MachineStatus status, String cloudSigningKey,
                                 List<String> catalogSigningKeys, HybridComputeVersion version) {
        JsonNode configuration = machine.agentConfiguration() == null || !version.showsAgentConfiguration() ? null
                : Json.tree(machine.agentConfiguration().getBytes(StandardCharsets.UTF_8));
        JsonNode tags = machine.tags() == null ? null : Json.tree(machine.tags().getBytes(StandardCharsets.UTF_8));
        return new MachineView(machine.resourceId(), machine.name(), TYPE, machine.location(), tags, new Properties("Succeeded",
                version.machineStatus(status.status()), machine.agentVersion(), status.lastStatusChange(), configuration,
                cloudSigningKey, catalogSigningKeys));
    }
}
