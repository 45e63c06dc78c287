package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The {@code api-version} values each API accepts, checked by {@link ApiVersionFilter} before names and bodies. */
final class ApiVersions {
    /** Stable Microsoft.HybridCompute versions whose shapes this service follows. */
    static final List<String> HYBRID_COMPUTE = Arrays.stream(HybridComputeVersion.values()).map(HybridComputeVersion::value).toList();
    /** Microsoft.GuestConfiguration versions whose assignment shape this service follows. */
    static final List<String> GUEST_CONFIGURATION = List.of("2024-04-05", "2022-01-25");
    /** Bulwark.Fleet (rollouts, bulk registration): Bulwark's own resource provider, versioned like ARM's. */
    static final List<String> FLEET = List.of("2026-12-01");
    /** Microsoft.Authorization (role assignments and definitions). */
    static final List<String> AUTHORIZATION = List.of("2022-04-01");
    /** The Azure Monitor activity-log API version. */
    static final List<String> ACTIVITY_LOG = List.of("2015-04-01");

    /** Each resource provider namespace and its versions, as ARM routes a request: by the last namespace in its path. */
    private static final Map<String, List<String>> BY_NAMESPACE = Map.of(
            "Microsoft.HybridCompute", HYBRID_COMPUTE,
            "Microsoft.GuestConfiguration", GUEST_CONFIGURATION,
            "Bulwark.Fleet", FLEET,
            "Microsoft.Authorization", AUTHORIZATION,
            "Microsoft.Insights", ACTIVITY_LOG);

    private ApiVersions() {
    }

    /**
     * Checks the api-version of a request to {@code path} for the resource provider the path names; paths of no
     * provider (health, metrics, well-known keys, storage) have none. Called before the body is read, so that a
     * request with a bad version and a bad body is answered about its version, as on ARM.
     */
    static void requireFor(String path, String apiVersion) {
        int providers = path.lastIndexOf("/providers/");
        if (providers < 0) {
            return;
        }
        int start = providers + "/providers/".length();
        int end = path.indexOf('/', start);
        String namespace = path.substring(start, end < 0 ? path.length() : end);
        List<String> supported = BY_NAMESPACE.get(namespace);
        if (supported != null) {
            require(apiVersion, supported, namespace.equals("Microsoft.Insights") ? "Microsoft.Insights/eventtypes" : namespace);
        }
    }

    /** The version asked for; its response shape is the one views show. */
    static HybridComputeVersion requireHybridCompute(String apiVersion) {
        require(apiVersion, HYBRID_COMPUTE, "Microsoft.HybridCompute");
        return HybridComputeVersion.find(apiVersion);
    }

    private static void require(String apiVersion, List<String> supported, String api) {
        if (apiVersion == null || apiVersion.isBlank()) {
            throw new ApiException(ArmErrorCode.MissingApiVersionParameter, "The api-version query parameter (?api-version=) is required for all requests."
                    + " Supported versions for " + api + ": " + String.join(", ", supported) + ".", "api-version");
        }
        if (!supported.contains(apiVersion)) {
            String shown = apiVersion.length() > 40 ? apiVersion.substring(0, 40) + "..." : apiVersion;
            throw new ApiException(ArmErrorCode.InvalidApiVersionParameter, "The api-version '" + shown
                    + "' is invalid. Supported versions for " + api + ": " + String.join(", ", supported) + ".", "api-version");
        }
    }
}
