package dev.bulwark.cloud.error;

/**
 * A request the API refuses, with the ARM error code and a message for the caller that names the
 * offending field. Thrown before anything is written, so refused requests change nothing.
 */
public class ApiException extends RuntimeException {
    private final ArmErrorCode code;
    private final String target;

    public ApiException(ArmErrorCode code, String message, String target) {
        super(message, null, false, false);
        this.code = code;
        this.target = target;
    }

    public ApiException(ArmErrorCode code, String message) {
        this(code, message, null);
    }

    public static ApiException invalidParameter(String target, String message) {
        return new ApiException(ArmErrorCode.InvalidParameter, message, target);
    }

    public static ApiException missingProperty(String target) {
        return invalidParameter(target, "Required parameter '" + target + "' is missing (null).");
    }

    public static ApiException notFound(String resourceType, String name, String resourceGroup) {
        return new ApiException(ArmErrorCode.ResourceNotFound, "The Resource '" + resourceType + "/" + name
                + "' under resource group '" + resourceGroup + "' was not found.");
    }

    public ArmErrorCode code() {
        return code;
    }

    /** The field, header or parameter at fault, or null. */
    public String target() {
        return target;
    }
}
