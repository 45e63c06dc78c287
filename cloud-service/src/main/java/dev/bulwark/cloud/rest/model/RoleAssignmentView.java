package dev.bulwark.cloud.rest.model;

import dev.bulwark.cloud.security.RoleAssignment;

/** A role assignment in ARM's shape ({@code Microsoft.Authorization/roleAssignments}). */
public record RoleAssignmentView(String id, String name, String type, Properties properties) {
    public record Properties(String roleDefinitionId, String roleDefinitionName, String principalId, String scope) {
    }

    public static RoleAssignmentView of(RoleAssignment assignment) {
        String scope = assignment.scope();
        String prefix = scope.equals("/") ? "" : scope;
        String subscription = scope.startsWith("/subscriptions/") ? scope.split("/")[2] : null;
        return new RoleAssignmentView(prefix + "/providers/Microsoft.Authorization/roleAssignments/" + assignment.name(),
                assignment.name(), "Microsoft.Authorization/roleAssignments",
                new Properties(assignment.role().resourceId(subscription), assignment.role().roleName(),
                        assignment.principalId(), scope));
    }
}
