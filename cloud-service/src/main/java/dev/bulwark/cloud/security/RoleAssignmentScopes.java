package dev.bulwark.cloud.security;

import dev.bulwark.cloud.error.ApiException;

import java.util.regex.Pattern;

/** The scope part of a {@code {scope}/providers/Microsoft.Authorization/...} path, checked to be one RBAC knows. */
public final class RoleAssignmentScopes {
    public static final String MARKER = "/providers/Microsoft.Authorization/";
    private static final String NAME = "[A-Za-z0-9._()-]{1,90}";
    private static final Pattern SCOPE = Pattern.compile("(?i)^(/|/subscriptions/" + NAME + "(/resourceGroups/" + NAME
            + "(/providers/Microsoft\\.HybridCompute/machines/[A-Za-z0-9_.-]{1,54})?)?"
            + "|/providers/Microsoft\\.HybridCompute/publishers/[A-Za-z0-9.]{1,100})$");

    private RoleAssignmentScopes() {
    }

    public static String of(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        int marker = p.toLowerCase().indexOf(MARKER.toLowerCase());
        String scope = marker <= 0 ? "/" : p.substring(0, marker);
        if (!SCOPE.matcher(scope).matches()) {
            throw ApiException.invalidParameter("scope", "The scope '" + scope + "' is not one role assignments can have:"
                    + " '/', a subscription, a resource group, a machine, or a publisher namespace"
                    + " (/providers/Microsoft.HybridCompute/publishers/NAMESPACE).");
        }
        return scope;
    }
}
