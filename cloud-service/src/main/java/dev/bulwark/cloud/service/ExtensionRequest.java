package dev.bulwark.cloud.service;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a PUT or PATCH of an extension asks for, validated. For PATCH a null field means "keep".
 * {@code protectedSettings} exist only here, on their way to being sealed for the machine: they are
 * left out of {@link #toString()} so no log line can ever carry them.
 */
public record ExtensionRequest(String location, String publisher, String type, String typeHandlerVersion,
                               ObjectNode settings, ObjectNode protectedSettings, Boolean autoUpgradeMinorVersion,
                               Boolean enableAutomaticUpgrade, String forceUpdateTag) {

    @Override
    public String toString() {
        return "ExtensionRequest[" + publisher + "/" + type + " " + typeHandlerVersion
                + (protectedSettings == null ? "" : ", protectedSettings=<redacted>") + "]";
    }
}
