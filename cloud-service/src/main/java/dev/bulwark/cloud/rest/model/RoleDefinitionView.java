package dev.bulwark.cloud.rest.model;

import dev.bulwark.cloud.security.RoleDefinition;

import java.util.List;

/** A role definition in ARM's shape ({@code Microsoft.Authorization/roleDefinitions}). */
public record RoleDefinitionView(String id, String name, String type, Properties properties) {
    public record Properties(String roleName, String description, String type, List<Permission> permissions,
                             List<String> assignableScopes) {
    }

    public record Permission(List<String> actions, List<String> notActions) {
    }

    public static RoleDefinitionView of(RoleDefinition role) {
        return new RoleDefinitionView(role.resourceId(null), role.id(), "Microsoft.Authorization/roleDefinitions",
                new Properties(role.roleName(), role.description(), "BuiltInRole",
                        List.of(new Permission(role.actions(), role.notActions())), List.of("/")));
    }
}
