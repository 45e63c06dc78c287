package dev.bulwark.cloud.service;

/** ARM provisioningState values of an extension. */
public final class ProvisioningState {
    public static final String CREATING = "Creating";
    public static final String UPDATING = "Updating";
    public static final String DELETING = "Deleting";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";

    private ProvisioningState() {
    }
}
