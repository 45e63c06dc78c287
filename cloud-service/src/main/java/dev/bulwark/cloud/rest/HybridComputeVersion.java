package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.service.MachineStatus;

/**
 * The Microsoft.HybridCompute api-versions this service answers and, in one place, how their response shapes
 * differ for the fields Bulwark shows (from the public REST API specs, {@code stable/<version>/HybridCompute.json}).
 * Views ask the version; nothing else compares version strings.
 */
public enum HybridComputeVersion {
    /** What {@code @azure/arm-hybridcompute} 3.0.0 pins: no agentConfiguration, no enableAutomaticUpgrade. */
    V2021_05_20("2021-05-20", false, false, false),
    V2024_07_10("2024-07-10", true, true, false),
    /** Adds the machine status {@code AwaitingConnection}. */
    V2025_06_01("2025-06-01", true, true, true);

    private final String value;
    private final boolean agentConfiguration;
    private final boolean enableAutomaticUpgrade;
    private final boolean awaitingConnection;

    HybridComputeVersion(String value, boolean agentConfiguration, boolean enableAutomaticUpgrade, boolean awaitingConnection) {
        this.value = value;
        this.agentConfiguration = agentConfiguration;
        this.enableAutomaticUpgrade = enableAutomaticUpgrade;
        this.awaitingConnection = awaitingConnection;
    }

    public String value() {
        return value;
    }

    /** The newest version: what views show when no request version applies (rollouts, internal callers). */
    public static HybridComputeVersion latest() {
        return V2025_06_01;
    }

    /** The version of that name, or null. */
    static HybridComputeVersion find(String apiVersion) {
        for (HybridComputeVersion version : values()) {
            if (version.value.equals(apiVersion)) {
                return version;
            }
        }
        return null;
    }

    /** {@code properties.agentConfiguration} of a machine (2022-03-10 and later). */
    public boolean showsAgentConfiguration() {
        return agentConfiguration;
    }

    /** {@code properties.enableAutomaticUpgrade} of an extension (2022-03-10 and later). */
    public boolean showsEnableAutomaticUpgrade() {
        return enableAutomaticUpgrade;
    }

    /**
     * A machine's {@code properties.status} in this version's enum: a machine registered whose agent has not
     * reported yet is {@code AwaitingConnection} where the version has it, else {@code Disconnected}
     * (2021-05-20 and 2024-07-10 know only Connected, Disconnected and Error).
     */
    public String machineStatus(String status) {
        if (!MachineStatus.PENDING.equals(status)) {
            return status;
        }
        return awaitingConnection ? "AwaitingConnection" : MachineStatus.DISCONNECTED;
    }
}
