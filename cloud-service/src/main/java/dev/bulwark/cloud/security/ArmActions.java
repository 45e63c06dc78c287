package dev.bulwark.cloud.security;

/** The ARM actions the API checks, as role definitions list them. */
public final class ArmActions {
    public static final String MACHINES_READ = "Microsoft.HybridCompute/machines/read";
    public static final String MACHINES_WRITE = "Microsoft.HybridCompute/machines/write";
    public static final String MACHINES_DELETE = "Microsoft.HybridCompute/machines/delete";
    /**
     * Registering an existing machine with other keys. Not an Azure action name: Azure re-onboards through
     * {@code machines/write} by an administrator, and the Onboarding role's explicit {@code machines/write} must
     * not re-key; every role that grants {@code machines/*} or {@code *} grants this.
     */
    public static final String MACHINES_REKEY = "Microsoft.HybridCompute/machines/rekey/action";
    public static final String EXTENSIONS_READ = "Microsoft.HybridCompute/machines/extensions/read";
    public static final String EXTENSIONS_WRITE = "Microsoft.HybridCompute/machines/extensions/write";
    public static final String EXTENSIONS_DELETE = "Microsoft.HybridCompute/machines/extensions/delete";
    public static final String UPGRADE_EXTENSIONS = "Microsoft.HybridCompute/machines/upgradeExtensions/action";
    public static final String OPERATION_STATUS_READ = "Microsoft.HybridCompute/locations/operationstatus/read";
    public static final String CATALOG_READ = "Microsoft.HybridCompute/locations/catalogs/read";
    public static final String VERSIONS_READ = "Microsoft.HybridCompute/locations/publishers/extensionTypes/versions/read";
    public static final String PUBLISH = "Microsoft.HybridCompute/locations/publishers/extensionTypes/versions/write";
    public static final String GUEST_ASSIGNMENTS_READ = "Microsoft.GuestConfiguration/guestConfigurationAssignments/read";
    public static final String GUEST_ASSIGNMENTS_WRITE = "Microsoft.GuestConfiguration/guestConfigurationAssignments/write";
    public static final String GUEST_ASSIGNMENTS_DELETE = "Microsoft.GuestConfiguration/guestConfigurationAssignments/delete";
    public static final String ROLLOUTS_READ = "Bulwark.Fleet/extensionRollouts/read";
    public static final String ROLLOUTS_WRITE = "Bulwark.Fleet/extensionRollouts/write";
    public static final String ROLLOUTS_CANCEL = "Bulwark.Fleet/extensionRollouts/cancel/action";
    public static final String REGISTER_MACHINES = "Bulwark.Fleet/registerMachines/action";
    public static final String ONBOARDING_SECRETS_WRITE = "Bulwark.Fleet/onboardingSecrets/write";
    public static final String ONBOARDING_SECRETS_READ = "Bulwark.Fleet/onboardingSecrets/read";
    public static final String ACTIVITY_LOG_READ = "Microsoft.Insights/eventtypes/values/read";
    public static final String ROLE_ASSIGNMENTS_READ = "Microsoft.Authorization/roleAssignments/read";
    public static final String ROLE_ASSIGNMENTS_WRITE = "Microsoft.Authorization/roleAssignments/write";
    public static final String ROLE_ASSIGNMENTS_DELETE = "Microsoft.Authorization/roleAssignments/delete";
    public static final String ROLE_DEFINITIONS_READ = "Microsoft.Authorization/roleDefinitions/read";

    private ArmActions() {
    }
}
