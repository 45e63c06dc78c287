package dev.bulwark.cloud.security;

/**
 * Why a request was allowed: the action, the role that allows it and the scope of that role's assignment.
 * Azure's activity log records it as {@code authorization {action, role, scope}}.
 */
public record Grant(String action, String role, String scope) {
    /** As stored with operations, rollouts and activity events; null stays null. */
    public static String toJson(Grant grant) {
        return grant == null ? null : dev.bulwark.model.Json.encodeToString(grant);
    }

    public static Grant fromJson(String json) {
        if (json == null) {
            return null;
        }
        try {
            return dev.bulwark.model.Json.MAPPER.readValue(json, Grant.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a stored authorization is not JSON", e);
        }
    }
}
