package dev.bulwark.cloud.security;

/**
 * A principal holds a role at a scope. Stored ones are managed through
 * {@code .../providers/Microsoft.Authorization/roleAssignments}; a token from the built-in issuer may carry
 * its own (claim {@value Caller#ROLE_ASSIGNMENTS_CLAIM}), which count only for that token.
 *
 * @param name null for assignments a token carries
 */
public record RoleAssignment(String name, String scope, RoleDefinition role, String principalId) {
}
