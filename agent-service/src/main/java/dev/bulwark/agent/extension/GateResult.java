package dev.bulwark.agent.extension;

import dev.bulwark.model.catalog.HandlerManifest;

import java.nio.file.Path;

/**
 * A {@link PackageGate}'s answer. {@code reason} is a stable word when not verified (a
 * {@link dev.bulwark.model.catalog.VerificationFailure} name such as {@code PackageHashMismatch});
 * {@code packageDir} is the verified package's folder and {@code manifest} its handler manifest, or null.
 */
public record GateResult(boolean verified, String reason, String message, Path packageDir, HandlerManifest manifest) {

    public static GateResult verified(Path packageDir, HandlerManifest manifest, String message) {
        return new GateResult(true, null, message, packageDir, manifest);
    }

    public static GateResult failed(String reason, String message) {
        return new GateResult(false, reason, message, null, null);
    }
}
