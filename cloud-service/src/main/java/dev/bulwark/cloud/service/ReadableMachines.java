package dev.bulwark.cloud.service;

import dev.bulwark.model.MachineIds;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where in a subscription a caller may read machines, when not everywhere: the resource groups and the single
 * machines its role assignments cover (from {@code CallerContext#allowedScopes}). A list shows only those; a scope
 * below a machine (an extension) grants no read of the machine itself.
 *
 * @param resourceGroups lower-case resource group names
 * @param machineIds     lower-case machine resource ids
 */
public record ReadableMachines(List<String> resourceGroups, List<String> machineIds) {
    private static final Pattern GROUP = Pattern.compile("(?i)^/subscriptions/([^/]+)/resourceGroups/([^/]+)$");
    private static final Pattern MACHINE = Pattern.compile(
            "(?i)^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.HybridCompute/machines/([^/]+)$");

    /**
     * Null when {@code allowedScopes} hold {@code listScope} itself (the subscription or resource group listed, or a
     * scope above it): everything listed is readable, and the list needs no filter.
     */
    public static ReadableMachines within(String listScope, List<String> allowedScopes) {
        if (allowedScopes.stream().anyMatch(scope -> scope.equalsIgnoreCase(listScope))) {
            return null;
        }
        List<String> groups = new ArrayList<>();
        List<String> machines = new ArrayList<>();
        for (String scope : allowedScopes) {
            String trimmed = scope.endsWith("/") ? scope.substring(0, scope.length() - 1) : scope;
            Matcher group = GROUP.matcher(trimmed);
            Matcher machine = MACHINE.matcher(trimmed);
            if (group.matches()) {
                groups.add(group.group(2).toLowerCase(Locale.ROOT));
            } else if (machine.matches()) {
                machines.add(MachineIds.resourceId(machine.group(1).toLowerCase(Locale.ROOT), machine.group(2), machine.group(3)));
            }
        }
        return new ReadableMachines(List.copyOf(groups), List.copyOf(machines));
    }
}
