package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;

import java.util.Locale;
import java.util.regex.Pattern;

/** A guest configuration assignment of a machine, by name (case-insensitive, as in ARM). */
public record GuestAssignmentAddress(MachineAddress machine, String name) {
    static final String PROVIDER = "/providers/Microsoft.GuestConfiguration/guestConfigurationAssignments/";
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

    public static GuestAssignmentAddress of(MachineAddress machine, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            String shown = name == null ? "" : name.length() > 100 ? name.substring(0, 100) + "..." : name;
            throw new ApiException(ArmErrorCode.InvalidResourceName, "The guestConfigurationAssignmentName '" + shown
                    + "' is invalid: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit.",
                    "guestConfigurationAssignmentName");
        }
        return new GuestAssignmentAddress(machine, name);
    }

    /** Lower case like every stored resource id; the activity log's resourceId. */
    public static String resourceId(String machineResourceId, String name) {
        return (machineResourceId + PROVIDER + name).toLowerCase(Locale.ROOT);
    }
}
