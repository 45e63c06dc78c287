package dev.bulwark.sim.oracle;

import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.policy.Decision;
import dev.bulwark.model.policy.ExtensionPolicy;
import dev.bulwark.model.policy.LocalRules;

/**
 * What one machine must report for one operation: Succeeded, or Failed with the error code its own local
 * rules give (the simulated handler itself always succeeds).
 */
public record Expected(boolean succeeded, String errorCode) {

    public static Expected of(LocalRules rules, ExtensionId extension, OperationKind kind) {
        Decision decision = ExtensionPolicy.decide(rules, extension, kind);
        return decision.allowed() ? new Expected(true, null) : new Expected(false, decision.errorCode().name());
    }

    public boolean matches(String status, String errorCode) {
        return succeeded ? "Succeeded".equals(status) : "Failed".equals(status) && this.errorCode.equals(errorCode);
    }

    @Override
    public String toString() {
        return succeeded ? "Succeeded" : "Failed/" + errorCode;
    }
}
