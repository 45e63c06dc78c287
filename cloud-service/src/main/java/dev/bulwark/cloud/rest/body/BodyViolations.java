package dev.bulwark.cloud.rest.body;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.constraints.NotNull;

import java.util.Comparator;
import java.util.List;

/**
 * Bean Validation's refusal of a request body as ARM's 400 {@code InvalidParameter}: the first violation (by
 * property path, so the answer does not vary between calls) names its property in {@code target}, and each
 * violation is listed in {@code details} when there are several. Messages are the constraints' own, never the value.
 */
public final class BodyViolations {
    private BodyViolations() {
    }

    public static ApiException toApiException(ConstraintViolationException e) {
        List<ApiException> refusals = e.getConstraintViolations().stream()
                .map(BodyViolations::refusal)
                .sorted(Comparator.comparing(ApiException::target, Comparator.nullsFirst(Comparator.naturalOrder()))
                        .thenComparing(ApiException::getMessage))
                .toList();
        if (refusals.isEmpty()) {
            return ApiException.invalidParameter(null, "The request content is not valid.");
        }
        ApiException first = refusals.get(0);
        List<ApiException.Detail> details = refusals.size() == 1 ? List.of()
                : refusals.stream().map(r -> new ApiException.Detail(r.code().name(), r.getMessage())).toList();
        return new ApiException(first.code(), first.getMessage(), first.target(), details);
    }

    private static ApiException refusal(ConstraintViolation<?> violation) {
        String path = PropertyPaths.of(violation.getPropertyPath());
        if (path.isEmpty()) {
            return new ApiException(ArmErrorCode.InvalidRequestContent, "The request content is not valid: "
                    + violation.getMessage() + ".");
        }
        if (violation.getConstraintDescriptor().getAnnotation() instanceof NotNull) {
            return ApiException.missingProperty(path);
        }
        return ApiException.invalidParameter(path, "Property '" + path + "' " + violation.getMessage() + ".");
    }
}
