package dev.bulwark.agent.extension;

import dev.bulwark.model.ExtensionOperation;

import java.nio.file.Path;

/** One package to verify: for which machine (its home holds its trust configuration) and which operation. */
public record PackageRequest(Path machineHome, String machineId, ExtensionOperation operation) {
}
