package dev.bulwark.agent.identity;

import java.time.Instant;

/**
 * Who a machine is and whom it trusts, as {@code connect} stored it in identity.json. The cloud's
 * signing key is the trust root for operations: taken on first use at connect, changed only by running
 * {@code connect} again on the machine.
 */
public record MachineIdentity(String machineName, String subscription, String resourceGroup, String machineId,
                              String cloudUrl, String cloudSigningKey, String signingPublicKey,
                              String encryptionPublicKey, String agentVersion, Instant connectedAt) {

    public String cloudKeyFingerprint() {
        return KeyFingerprint.of(cloudSigningKey);
    }
}
