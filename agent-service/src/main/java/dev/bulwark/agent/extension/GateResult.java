package dev.bulwark.agent.extension;

import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.HandlerManifest;

import java.nio.file.Path;

/**
 * A {@link PackageGate}'s answer. {@code reason} is a stable word when not verified (a
 * {@link dev.bulwark.model.catalog.VerificationFailure} name such as {@code PackageHashMismatch});
 * {@code packageDir} is the verified package's folder, {@code manifest} its handler manifest and {@code entry}
 * the catalog entry it was checked against (whose per-file hashes a real handler checks again before every
 * command), or null.
 */
public record GateResult(boolean verified, String reason, String message, Path packageDir, HandlerManifest manifest,
                         Catalog.PackageEntry entry) {

    public static GateResult verified(Path packageDir, HandlerManifest manifest, Catalog.PackageEntry entry, String message) {
        return new GateResult(true, null, message, packageDir, manifest, entry);
    }

    public static GateResult failed(String reason, String message) {
        return new GateResult(false, reason, message, null, null, null);
    }
}
