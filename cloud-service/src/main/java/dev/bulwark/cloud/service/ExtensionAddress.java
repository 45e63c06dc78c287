package dev.bulwark.cloud.service;

import java.util.Locale;

/** An extension of a machine, by name (case-insensitive, as in ARM). */
public record ExtensionAddress(MachineAddress machine, String name) {

    public static ExtensionAddress of(MachineAddress machine, String name) {
        MachineAddress.requireName("extensionName", name);
        return new ExtensionAddress(machine, name);
    }

    public String resourceId() {
        return resourceId(machine.resourceId(), name);
    }

    public static String resourceId(String machineResourceId, String extensionName) {
        return machineResourceId + "/extensions/" + extensionName.toLowerCase(Locale.ROOT);
    }
}
