package dev.bulwark.cloud.support;

import io.restassured.response.Response;

/** Paths and small helpers for the ARM-shaped API under test. */
public final class Arm {
    public static final String API_VERSION = "2025-06-01";
    public static final String ACTIVITY_API_VERSION = "2015-04-01";

    private Arm() {
    }

    public static String machinePath(String subscription, String resourceGroup, String machine) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.HybridCompute/machines/" + machine;
    }

    public static String activityLogPath(String subscription) {
        return "/subscriptions/" + subscription + "/providers/Microsoft.Insights/eventtypes/management/values";
    }

    /** The operation id at the end of an {@code Azure-AsyncOperation} URL. */
    public static String operationIdOf(Response accepted) {
        String url = accepted.header("Azure-AsyncOperation");
        String path = url.substring(0, url.indexOf('?'));
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The path and query of an absolute URL the API returned (so RestAssured's port is used). */
    public static String relative(String url) {
        return url.substring(url.indexOf("/subscriptions/"));
    }
}
