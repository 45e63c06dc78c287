package dev.bulwark.cloud.service;

/** The ARM operations that write the activity log, with the names Azure shows for them. */
public enum ArmOperation {
    EXTENSION_WRITE("Microsoft.HybridCompute/machines/extensions/write", "Create or Update Machine Extension"),
    EXTENSION_DELETE("Microsoft.HybridCompute/machines/extensions/delete", "Delete Machine Extension"),
    UPGRADE_EXTENSIONS("Microsoft.HybridCompute/machines/upgradeExtensions/action", "Upgrade Machine Extensions");

    private final String value;
    private final String localizedValue;

    ArmOperation(String value, String localizedValue) {
        this.value = value;
        this.localizedValue = localizedValue;
    }

    public String value() {
        return value;
    }

    public String localizedValue() {
        return localizedValue;
    }

    /** The display name of a stored operation name; the name itself when it is not one of ours. */
    public static String localizedValueOf(String value) {
        for (ArmOperation operation : values()) {
            if (operation.value.equalsIgnoreCase(value)) {
                return operation.localizedValue;
            }
        }
        return value;
    }
}
