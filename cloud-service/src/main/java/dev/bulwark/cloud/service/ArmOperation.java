package dev.bulwark.cloud.service;

/**
 * The ARM operations that write the activity log, with the names Azure shows for them and the resource
 * type they act on (the event's {@code resourceType}; its provider is the part before the first '/').
 */
public enum ArmOperation {
    /** A machine's registration with new keys (a re-key), or a refused attempt; a PATCH of its tags. */
    MACHINE_WRITE("Microsoft.HybridCompute/machines/write", "Create or Update Machine", ArmOperation.MACHINES),
    /** A machine deregistered ({@code DELETE .../machines/{m}}). */
    MACHINE_DELETE("Microsoft.HybridCompute/machines/delete", "Delete Machine", ArmOperation.MACHINES),
    EXTENSION_WRITE("Microsoft.HybridCompute/machines/extensions/write", "Create or Update Machine Extension",
            ArmOperation.EXTENSIONS),
    EXTENSION_DELETE("Microsoft.HybridCompute/machines/extensions/delete", "Delete Machine Extension", ArmOperation.EXTENSIONS),
    /** Logged per extension it upgrades, on the extension's resource. */
    UPGRADE_EXTENSIONS("Microsoft.HybridCompute/machines/upgradeExtensions/action", "Upgrade Machine Extensions",
            ArmOperation.EXTENSIONS),
    GUEST_ASSIGNMENT_WRITE("Microsoft.GuestConfiguration/guestConfigurationAssignments/write",
            "Create or Update Guest Configuration Assignment", ArmOperation.GUEST_ASSIGNMENTS),
    GUEST_ASSIGNMENT_DELETE("Microsoft.GuestConfiguration/guestConfigurationAssignments/delete",
            "Delete Guest Configuration Assignment", ArmOperation.GUEST_ASSIGNMENTS),
    /** A rollout's own events, on the rollout's resource: accepted, then how it ended. */
    ROLLOUT_WRITE("Bulwark.Fleet/extensionRollouts/write", "Create or Update Extension Rollout", ArmOperation.ROLLOUTS),
    ROLLOUT_CANCEL("Bulwark.Fleet/extensionRollouts/cancel/action", "Cancel Extension Rollout", ArmOperation.ROLLOUTS);

    private static final String MACHINES = "Microsoft.HybridCompute/machines";
    private static final String EXTENSIONS = "Microsoft.HybridCompute/machines/extensions";
    private static final String GUEST_ASSIGNMENTS = "Microsoft.GuestConfiguration/guestConfigurationAssignments";
    private static final String ROLLOUTS = "Bulwark.Fleet/extensionRollouts";

    private final String value;
    private final String localizedValue;
    private final String resourceType;

    ArmOperation(String value, String localizedValue, String resourceType) {
        this.value = value;
        this.localizedValue = localizedValue;
        this.resourceType = resourceType;
    }

    public String value() {
        return value;
    }

    public String localizedValue() {
        return localizedValue;
    }

    public String resourceType() {
        return resourceType;
    }

    /** The stored operation name's enum constant, or null when it is not one of ours. */
    public static ArmOperation of(String value) {
        for (ArmOperation operation : values()) {
            if (operation.value.equalsIgnoreCase(value)) {
                return operation;
            }
        }
        return null;
    }

    /** The display name of a stored operation name; the name itself when it is not one of ours. */
    public static String localizedValueOf(String value) {
        ArmOperation operation = of(value);
        return operation == null ? value : operation.localizedValue;
    }

    /** The resource type of a stored operation name: ours, or the name without its last segment. */
    public static String resourceTypeOf(String value) {
        ArmOperation operation = of(value);
        return operation != null ? operation.resourceType : value.substring(0, Math.max(0, value.lastIndexOf('/')));
    }
}
