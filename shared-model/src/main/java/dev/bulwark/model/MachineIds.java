package dev.bulwark.model;

import java.util.Locale;
import java.util.regex.Pattern;

/** Machine names and resource ids. The lower-case resource id is the Kafka key of every message. */
public final class MachineIds {
    /** Arc's rule for machine names. */
    public static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9-_.]{1,54}$");

    private MachineIds() {
    }

    /** {@code /subscriptions/S/resourceGroups/RG/providers/Microsoft.HybridCompute/machines/M}, lower case. */
    public static String resourceId(String subscription, String resourceGroup, String machine) {
        return ("/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.HybridCompute/machines/" + machine).toLowerCase(Locale.ROOT);
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
