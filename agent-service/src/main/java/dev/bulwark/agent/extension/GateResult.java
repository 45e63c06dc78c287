package dev.bulwark.agent.extension;

import java.nio.file.Path;

/**
 * A {@link PackageGate}'s answer. {@code reason} is a short stable word when not verified (for example
 * {@code HashMismatch}); {@code packageDir} is where the verified package was extracted, or null.
 */
public record GateResult(boolean verified, String reason, String message, Path packageDir) {

    public static GateResult verified(Path packageDir, String message) {
        return new GateResult(true, null, message, packageDir);
    }

    public static GateResult failed(String reason, String message) {
        return new GateResult(false, reason, message, null);
    }
}
