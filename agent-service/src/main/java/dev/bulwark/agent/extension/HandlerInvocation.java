package dev.bulwark.agent.extension;

import dev.bulwark.model.ExtensionSpec;
import dev.bulwark.model.OperationKind;

import java.nio.file.Path;

/**
 * What a handler gets: the operation, its public settings (in {@code extension}), the protected settings
 * in plaintext (null when none; zeroed by the caller once the handler finished) and the verified package's
 * directory when the {@link PackageGate} extracted one.
 */
public record HandlerInvocation(Path machineHome, String machineId, String operationId, OperationKind kind,
                                ExtensionSpec extension, byte[] protectedSettings, Path packageDir) {
}
