package dev.bulwark.cloud.security;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.List;

/** The role assignments a token carries ({@code "roleAssignments":[{"role":"Owner","scope":"/subscriptions/..."}]}). */
final class TokenRoleAssignments {
    private TokenRoleAssignments() {
    }

    /** Entries naming an unknown role, or without a scope, grant nothing. */
    static List<RoleAssignment> of(Object claim, String principalId) {
        if (!(claim instanceof JsonArray entries)) {
            return List.of();
        }
        List<RoleAssignment> assignments = new ArrayList<>();
        for (JsonValue entry : entries) {
            if (entry instanceof JsonObject object && object.get("role") instanceof JsonString role
                    && object.get("scope") instanceof JsonString scope && scope.getString().startsWith("/")) {
                BuiltInRoles.find(role.getString()).ifPresent(definition ->
                        assignments.add(new RoleAssignment(null, scope.getString(), definition, principalId)));
            }
        }
        return assignments;
    }

    static String text(Object claim) {
        return claim instanceof JsonString string ? string.getString() : claim == null ? null : claim.toString();
    }
}
