package dev.bulwark.cloud.error;

import java.util.List;

/**
 * A request the API refuses, with the ARM error code and a message for the caller that names the
 * offending field. Thrown before anything is written, so refused requests change nothing.
 */
public class ApiException extends RuntimeException {
    private final ArmErrorCode code;
    private final String target;
    private final List<Detail> details;

    /** ARM's nested {@code details[]}: a more specific reason than the top-level code. */
    public record Detail(String code, String message) {
    }

    public ApiException(ArmErrorCode code, String message, String target, List<Detail> details) {
        super(message, null, false, false);
        this.code = code;
        this.target = target;
        this.details = List.copyOf(details);
    }

    public ApiException(ArmErrorCode code, String message, String target) {
        this(code, message, target, List.of());
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

    public List<Detail> details() {
        return details;
    }
}
