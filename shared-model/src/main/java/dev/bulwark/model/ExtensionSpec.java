package dev.bulwark.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The extension an operation is about. {@code settings} are public; {@code protectedSettings} are
 * sealed to the target machine, or absent.
 */
public record ExtensionSpec(String name, String publisher, String type, String version,
                            ObjectNode settings, SealedSettings protectedSettings) {

    public ExtensionId id() {
        return new ExtensionId(publisher, type);
    }
}
