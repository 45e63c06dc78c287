package dev.bulwark.agent.extension;

import dev.bulwark.model.ExtensionSpec;
import dev.bulwark.model.OperationKind;

import java.nio.file.Path;

/**
 * What a handler gets: the operation, its public settings (in {@code extension}), the protected settings
 * in plaintext (null when none; zeroed by the caller once the handler finished), the number of the new
 * configuration ({@code settingsSequence}, the handler protocol's {@code N}), what was installed under the
 * extension's name before (null for a first install) and, for an install or upgrade, the verified package
 * ({@code gate}; null for an update or delete, which act on {@code installed}).
 */
public record HandlerInvocation(Path machineHome, String machineId, String operationId, OperationKind kind,
                                ExtensionSpec extension, byte[] protectedSettings, int settingsSequence,
                                InstalledRecord installed, GateResult gate) {

    /** The package folder the operation acts on: the newly verified one, else the installed one (or null). */
    public Path packageDir() {
        if (gate != null) {
            return gate.packageDir();
        }
        return installed == null || installed.packageDir() == null ? null : Path.of(installed.packageDir());
    }
}
