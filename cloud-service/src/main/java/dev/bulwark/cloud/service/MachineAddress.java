package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.model.MachineIds;

import java.util.Locale;
import java.util.regex.Pattern;

/** Subscription, resource group and machine name from the path, checked before anything else happens. */
public record MachineAddress(String subscriptionId, String resourceGroup, String machineName) {
    /** ARM's rule for resource group names (also fine for subscription ids, which are GUIDs in Azure). */
    private static final Pattern GROUP = Pattern.compile("^[-\\w._()]{1,90}$");

    public static MachineAddress of(String subscriptionId, String resourceGroup, String machineName) {
        requireSubscription(subscriptionId);
        requireResourceGroup(resourceGroup);
        requireName("machineName", machineName);
        return new MachineAddress(subscriptionId.toLowerCase(Locale.ROOT), resourceGroup, machineName);
    }

    /** The subscription as stored: lower case. */
    public static String requireSubscription(String subscriptionId) {
        if (subscriptionId == null || !GROUP.matcher(subscriptionId).matches()) {
            throw invalidName("subscriptionId", subscriptionId, "1 to 90 letters, digits, '-', '_' or '.'");
        }
        return subscriptionId.toLowerCase(Locale.ROOT);
    }

    /** ARM's resource group naming rule. */
    public static String requireResourceGroup(String resourceGroup) {
        if (resourceGroup == null || !GROUP.matcher(resourceGroup).matches() || resourceGroup.endsWith(".")) {
            throw invalidName("resourceGroupName", resourceGroup, "1 to 90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'");
        }
        return resourceGroup;
    }

    /** Machine and extension names follow Arc's machine-name rule. */
    public static void requireName(String parameter, String name) {
        if (!MachineIds.isValidName(name)) {
            throw invalidName(parameter, name, "1 to 54 letters, digits, '-', '_' or '.'");
        }
    }

    /** The lower-case resource id: primary key, Kafka key and machineId in messages. */
    public String resourceId() {
        return MachineIds.resourceId(subscriptionId, resourceGroup, machineName);
    }

    private static ApiException invalidName(String parameter, String value, String rule) {
        String shown = value == null ? "" : value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return new ApiException(ArmErrorCode.InvalidResourceName, "The " + parameter + " '" + shown
                + "' is invalid: use " + rule + ".", parameter);
    }
}
