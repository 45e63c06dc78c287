package dev.bulwark.cloud.security;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The roles Bulwark knows, with Azure's ids and actions where Azure has the role. Role definitions are
 * data: what a role may do is read here, never decided by its name elsewhere.
 */
public final class BuiltInRoles {
    public static final RoleDefinition OWNER = new RoleDefinition("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner",
            "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
            List.of("*"), List.of());
    public static final RoleDefinition CONTRIBUTOR = new RoleDefinition("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor",
            "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
            List.of("*"), List.of("Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/elevateAccess/Action"));
    public static final RoleDefinition READER = new RoleDefinition("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader",
            "View all resources, but does not allow you to make any changes.", List.of("*/read"), List.of());
    /** May register new machines and nothing else: no re-keying, no deletes, no extensions (Azure's promise). */
    public static final RoleDefinition ONBOARDING = new RoleDefinition("b64e21ea-ac4e-4cdf-9dc9-5b892992bee7",
            "Azure Connected Machine Onboarding", "Can onboard Azure Connected Machines.",
            List.of("Microsoft.HybridCompute/machines/read", "Microsoft.HybridCompute/machines/write"), List.of());
    public static final RoleDefinition RESOURCE_ADMINISTRATOR = new RoleDefinition("cd570a14-e51a-42ad-bac8-bafd67325302",
            "Azure Connected Machine Resource Administrator",
            "Can read, write, delete and re-onboard Azure Connected Machines, and manage their extensions.",
            List.of("Microsoft.HybridCompute/machines/*", "Microsoft.HybridCompute/*/read",
                    "Microsoft.HybridCompute/locations/*", "Microsoft.GuestConfiguration/guestConfigurationAssignments/*",
                    "Bulwark.Fleet/*", "Microsoft.Insights/eventtypes/*", "Microsoft.Authorization/*/read"),
            List.of());
    /**
     * Publishes extension versions into the publisher namespace it is assigned at. Bulwark's own role (Azure has
     * no tenant publishing); it is the only role that grants {@link ArmActions#PUBLISH}, and only where assigned.
     */
    public static final RoleDefinition EXTENSION_PUBLISHER = new RoleDefinition("5b7a9e1c-3d0f-4c55-9a62-b1d7e0f4a8c3",
            "Extension Publisher", "Publishes extension versions into one publisher namespace.",
            List.of(ArmActions.PUBLISH, "Microsoft.HybridCompute/locations/publishers/extensionTypes/versions/read"),
            List.of());

    public static final List<RoleDefinition> ALL = List.of(OWNER, CONTRIBUTOR, READER, ONBOARDING, RESOURCE_ADMINISTRATOR,
            EXTENSION_PUBLISHER);

    private BuiltInRoles() {
    }

    /** By GUID, full resource id ({@code .../roleDefinitions/GUID}) or role name, case-insensitively. */
    public static Optional<RoleDefinition> find(String idOrName) {
        if (idOrName == null) {
            return Optional.empty();
        }
        String key = idOrName.substring(idOrName.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return ALL.stream().filter(role -> role.id().equals(key) || role.roleName().equalsIgnoreCase(idOrName.trim()))
                .findFirst();
    }
}
