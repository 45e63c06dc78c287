package dev.bulwark.cloud.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scopes as Azure RBAC uses them: {@code /}, {@code /subscriptions/S}, {@code .../resourceGroups/RG}, a
 * resource id, or a publisher namespace ({@code /providers/Microsoft.HybridCompute/publishers/P}). An
 * assignment at a scope applies to everything below it; comparisons ignore case, as ARM's do.
 */
public final class ArmScopes {
    public static final String ROOT = "/";
    private static final String PUBLISHERS = "/providers/Microsoft.HybridCompute/publishers/";

    private ArmScopes() {
    }

    /** True when {@code scope} is {@code resource} or one of its ancestors (segment-wise). */
    public static boolean contains(String scope, String resource) {
        if (ROOT.equals(scope)) {
            return true;
        }
        String s = trim(scope).toLowerCase(Locale.ROOT);
        String r = trim(resource).toLowerCase(Locale.ROOT);
        return r.equals(s) || r.startsWith(s + "/");
    }

    public static String publisher(String namespace) {
        return PUBLISHERS + namespace;
    }

    public static boolean isPublisherScope(String scope) {
        return trim(scope).toLowerCase(Locale.ROOT).startsWith(PUBLISHERS.toLowerCase(Locale.ROOT));
    }

    /** The namespace of a publisher scope. */
    public static String namespaceOf(String publisherScope) {
        return trim(publisherScope).substring(PUBLISHERS.length());
    }

    public static String subscription(String subscriptionId) {
        return "/subscriptions/" + subscriptionId;
    }

    /** The {@code /subscriptions/S} an ARM path starts with, or {@code /}. */
    public static String subscriptionOf(String path) {
        String scope = ofPath(path);
        int end = scope.indexOf('/', "/subscriptions/".length());
        return end < 0 ? scope : scope.substring(0, end);
    }

    /**
     * The resource an ARM request path acts on: below a resource group, the deepest complete
     * {@code type/name} pair (a collection's parent for lists, the resource for actions such as
     * {@code upgradeExtensions}); above one, the subscription (provider-level lists, operation statuses).
     */
    public static String ofPath(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        if (segments.size() < 2 || !segments.get(0).equalsIgnoreCase("subscriptions")) {
            return ROOT;
        }
        StringBuilder scope = new StringBuilder("/subscriptions/").append(segments.get(1));
        if (segments.size() < 4 || !segments.get(2).equalsIgnoreCase("resourceGroups")) {
            return scope.toString();
        }
        scope.append("/resourceGroups/").append(segments.get(3));
        int i = 4;
        while (i + 1 < segments.size() && segments.get(i).equalsIgnoreCase("providers")) {
            String namespace = segments.get(i + 1);
            int j = i + 2;
            StringBuilder resource = new StringBuilder();
            while (j + 1 < segments.size() && !segments.get(j).equalsIgnoreCase("providers")) {
                resource.append('/').append(segments.get(j)).append('/').append(segments.get(j + 1));
                j += 2;
            }
            if (resource.isEmpty()) {
                break;
            }
            scope.append("/providers/").append(namespace).append(resource);
            i = j;
        }
        return scope.toString();
    }

    private static String trim(String scope) {
        return scope.length() > 1 && scope.endsWith("/") ? scope.substring(0, scope.length() - 1) : scope;
    }
}
