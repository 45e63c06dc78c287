package dev.bulwark.cloud.rest.body;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An onboarding secret to create; every property has a default, so the body may be empty. */
@EmptyBodyAllowed
@Schema(name = "OnboardingSecret")
public record OnboardingSecretBody(@Valid Properties properties) implements ArmRequestBody {
    public static final int MAX_LIMIT = 1_000_000;

    @Schema(name = "OnboardingSecretProperties")
    public record Properties(
            @Schema(description = "ISO-8601 UTC time; default in 24 hours, at most 30 days away")
            @Pattern(regexp = "^[0-9T:.Z+-]{10,40}$", message = "must be an ISO-8601 UTC time") String expiresOn,
            @Schema(description = "How many machines may register with it; default 1")
            @Min(value = 1, message = "must be a whole number from 1 to " + MAX_LIMIT)
            @Max(value = MAX_LIMIT, message = "must be a whole number from 1 to " + MAX_LIMIT) Integer registrationLimit) {
    }
}
