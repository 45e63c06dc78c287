package dev.bulwark.cloud.security;

import java.util.List;
import java.util.Locale;

/**
 * An Azure RBAC role definition: the ARM actions it allows, minus its {@code notActions}. Patterns match
 * case-insensitively, {@code *} standing for any run of characters ({@code Microsoft.HybridCompute/*},
 * {@code * /read} without the space), as ARM matches them.
 *
 * @param id the role definition's GUID (Azure's own for Azure's built-in roles)
 */
public record RoleDefinition(String id, String roleName, String description, List<String> actions,
                             List<String> notActions) {

    public RoleDefinition {
        actions = List.copyOf(actions);
        notActions = List.copyOf(notActions);
    }

    public boolean allows(String action) {
        return actions.stream().anyMatch(pattern -> matches(pattern, action))
                && notActions.stream().noneMatch(pattern -> matches(pattern, action));
    }

    /** {@code /subscriptions/S/providers/Microsoft.Authorization/roleDefinitions/ID}, or the tenant-level id. */
    public String resourceId(String subscriptionId) {
        return (subscriptionId == null ? "" : "/subscriptions/" + subscriptionId)
                + "/providers/Microsoft.Authorization/roleDefinitions/" + id;
    }

    static boolean matches(String pattern, String action) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String a = action.toLowerCase(Locale.ROOT);
        return glob(p, 0, a, 0);
    }

    private static boolean glob(String p, int pi, String a, int ai) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = ai; k <= a.length(); k++) {
                    if (glob(p, pi + 1, a, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (ai >= a.length() || a.charAt(ai) != c) {
                return false;
            }
            pi++;
            ai++;
        }
        return ai == a.length();
    }
}
