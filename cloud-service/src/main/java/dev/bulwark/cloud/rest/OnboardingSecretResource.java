package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.OnboardingSecretRepository;
import dev.bulwark.cloud.repository.OnboardingSecretRepository.Secret;
import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.security.CallerContext;
import dev.bulwark.cloud.service.MachineAddress;
import dev.bulwark.cloud.service.OnboardingSecrets;
import dev.bulwark.cloud.rest.body.OnboardingSecretBody;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code Bulwark.Fleet/onboardingSecrets}: what {@code connect} can use instead of a principal's token, like an
 * SSM hybrid activation. Created once (never rewritten), its code shown only in the creation's answer.
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Bulwark.Fleet/onboardingSecrets/{secretName}")
@Produces(MediaType.APPLICATION_JSON)
public class OnboardingSecretResource {
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);
    static final Duration MAX_LIFETIME = Duration.ofDays(30);

    @Inject
    OnboardingSecretRepository secrets;
    @Inject
    CallerContext caller;

    @PUT
    @ArmAction(ArmActions.ONBOARDING_SECRETS_WRITE)
    @Operation(summary = "Create an onboarding secret: properties.expiresOn (default in 24 h, at most 30 days),"
            + " properties.registrationLimit (default 1); the answer holds the activation code, shown only once")
    public Uni<RestResponse<Map<String, Object>>> create(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                                         @RestPath String secretName, @RestQuery("api-version") String apiVersion,
                                                         @Valid OnboardingSecretBody body) {
        MachineAddress.of(subscriptionId, resourceGroupName, secretName);
        OnboardingSecretBody.Properties properties = body.properties();
        Instant now = Instant.now();
        Instant expires = expiresOn(properties, now);
        Integer asked = properties == null ? null : properties.registrationLimit();
        int limit = asked == null ? 1 : asked;
        String code = OnboardingSecrets.newCode();
        Secret secret = new Secret(UUID.randomUUID(), subscriptionId, resourceGroupName, secretName, OnboardingSecrets.digest(code),
                expires, limit, 0, caller.caller().name(), now);
        return secrets.create(secret).map(created -> {
            if (!created) {
                throw new ApiException(ArmErrorCode.Conflict, "The onboarding secret '" + secretName
                        + "' exists; secrets are never rewritten. Use another name.");
            }
            Map<String, Object> view = view(secret, code);
            return RestResponse.status(RestResponse.Status.CREATED, view);
        });
    }

    @GET
    @ArmAction(ArmActions.ONBOARDING_SECRETS_READ)
    @Operation(summary = "An onboarding secret's expiry, limit and how many machines registered with it (never its code)")
    public Uni<Map<String, Object>> get(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                        @RestPath String secretName, @RestQuery("api-version") String apiVersion) {
        return secrets.find(subscriptionId, resourceGroupName, secretName).map(secret -> {
            if (secret == null) {
                throw new ApiException(ArmErrorCode.ResourceNotFound, "The onboarding secret '" + secretName + "' was not found.");
            }
            return view(secret, null);
        });
    }

    private static Instant expiresOn(OnboardingSecretBody.Properties properties, Instant now) {
        String text = properties == null ? null : properties.expiresOn();
        if (text == null) {
            return now.plus(DEFAULT_LIFETIME);
        }
        Instant expires;
        try {
            expires = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.invalidParameter("properties.expiresOn", "properties.expiresOn must be an ISO-8601 UTC time.");
        }
        if (!expires.isAfter(now) || expires.isAfter(now.plus(MAX_LIFETIME))) {
            throw ApiException.invalidParameter("properties.expiresOn", "properties.expiresOn must be in the future and at most 30 days away.");
        }
        return expires;
    }

    private static Map<String, Object> view(Secret secret, String code) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("activationId", secret.id().toString());
        if (code != null) {
            properties.put("activationCode", code);
        }
        properties.put("expiresOn", secret.expiresAt().toString());
        properties.put("registrationLimit", secret.registrationLimit());
        properties.put("registrations", secret.registrations());
        properties.put("createdBy", secret.createdBy());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", "/subscriptions/" + secret.subscriptionId() + "/resourceGroups/" + secret.resourceGroup()
                + "/providers/Bulwark.Fleet/onboardingSecrets/" + secret.name());
        view.put("name", secret.name());
        view.put("type", "Bulwark.Fleet/onboardingSecrets");
        view.put("properties", properties);
        return view;
    }
}
