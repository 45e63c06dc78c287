package dev.bulwark.agent.extension;

import dev.bulwark.model.ExtensionOperation;

import java.nio.file.Path;

/**
 * One package to verify: for which machine (its home holds its trusted catalog keys and catalog history),
 * the cloud it is connected to (private-endpoint mode downloads through it), which operation, and whether
 * the handler needs a folder of its own ({@code ownCopy}) or can read the shared verified folder.
 */
public record PackageRequest(Path machineHome, String machineId, String cloudUrl, ExtensionOperation operation,
                             boolean ownCopy) {
}
