package dev.bulwark.cloud.service.rollout;

import dev.bulwark.cloud.service.MachineAddress;

import java.util.Locale;

/** A rollout by subscription, resource group and name, checked like every ARM path. */
public record RolloutAddress(String subscriptionId, String resourceGroup, String name) {
    public static final String TYPE = "Bulwark.Fleet/extensionRollouts";

    public static RolloutAddress of(String subscriptionId, String resourceGroup, String name) {
        // The machine rules hold for resource groups and names alike; "x" stands in for a machine name.
        MachineAddress group = MachineAddress.of(subscriptionId, resourceGroup, "x");
        MachineAddress.requireName("rolloutName", name);
        return new RolloutAddress(group.subscriptionId(), resourceGroup, name);
    }

    /** Unique within a subscription: ARM resource group and resource names are case-insensitive. */
    public String nameKey() {
        return (resourceGroup + "/" + name).toLowerCase(Locale.ROOT);
    }

    public String resourceId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup + "/providers/" + TYPE + "/" + name;
    }
}
