package dev.bulwark.cloud.security;

import java.util.Map;

/**
 * Why a request was allowed: the action, the role that allows it and the scope of that role's assignment, and the
 * claims of the token it was granted to. Azure's activity log shows them as {@code authorization {action, role,
 * scope}} and {@code claims}.
 *
 * @param claims the token's identifying claims ({@link TokenClaims}), never the token itself; null for a grant
 *               not made to a token
 */
public record Grant(String action, String role, String scope, Map<String, String> claims) {
    public Grant {
        claims = claims == null ? null : Map.copyOf(claims);
    }

    public Grant(String action, String role, String scope) {
        this(action, role, scope, null);
    }

    Grant withClaims(Map<String, String> tokenClaims) {
        return new Grant(action, role, scope, tokenClaims);
    }

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
