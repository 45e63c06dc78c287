package dev.bulwark.cloud.security;

import dev.bulwark.model.policy.ReservedNamespaces;

import java.util.List;
import java.util.Optional;

/**
 * Azure RBAC's decision: an action on a resource is allowed when one of the principal's role assignments is
 * at the resource's scope or above it and its role allows the action. Two rules are Bulwark's own:
 * publishing into a namespace is never inherited (only an assignment at the namespace itself counts, so a
 * subscription Owner cannot publish into a namespace it was not given), and no stored assignment grants a
 * reserved vendor namespace ({@link ReservedNamespaces}; only the operator's token issuer can).
 */
public final class Authorizer {
    private Authorizer() {
    }

    public static Optional<Grant> authorize(List<RoleAssignment> assignments, String action, String resource) {
        boolean publishing = ArmScopes.isPublisherScope(resource);
        return assignments.stream()
                .filter(a -> publishing ? sameScope(a.scope(), resource) : ArmScopes.contains(a.scope(), resource))
                .filter(a -> !publishing || a.name() == null || !ReservedNamespaces.isReserved(ArmScopes.namespaceOf(resource)))
                .filter(a -> a.role().allows(action))
                .findFirst()
                .map(a -> new Grant(action, a.role().roleName(), a.scope()));
    }

    /**
     * The scopes inside {@code within} where the action is allowed, for filtering a list: {@code within} itself
     * when an assignment at or above it allows the action, else the narrower scopes assignments below it allow.
     */
    public static List<String> allowedScopesWithin(List<RoleAssignment> assignments, String action, String within) {
        if (authorize(assignments, action, within).isPresent()) {
            return List.of(within);
        }
        return assignments.stream()
                .filter(a -> ArmScopes.contains(within, a.scope()) && a.role().allows(action))
                .map(RoleAssignment::scope)
                .distinct()
                .toList();
    }

    private static boolean sameScope(String a, String b) {
        return ArmScopes.contains(a, b) && ArmScopes.contains(b, a) && !ArmScopes.ROOT.equals(a);
    }
}
