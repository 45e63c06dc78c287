package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.OnboardingSecretRepository;
import dev.bulwark.model.catalog.Sha256;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Onboarding secrets, modelled on SSM hybrid activations: an id and a code that works like a password, good
 * for {@code registrationLimit} new machines (1 unless asked) in one resource group until it expires. Only the
 * code's SHA-256 is stored (the code is 256 random bits, so a fast hash is enough); it is shown once.
 */
@ApplicationScoped
public class OnboardingSecrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    OnboardingSecretRepository secrets;

    /** A new secret's code: shown once, in the answer to its creation. */
    public static String newCode() {
        byte[] code = new byte[32];
        RANDOM.nextBytes(code);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(code);
    }

    public static String digest(String code) {
        return Sha256.hex(code.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Counts {@code newMachines} registrations against the secret, in the registration's transaction; refuses
     * (401 AuthenticationFailed, naming why) a wrong id or code, another resource group, an expired secret or
     * one whose limit the registrations would pass.
     */
    public Uni<Void> consume(SqlClient tx, String activationId, String code, String subscriptionId, String resourceGroup,
                             int newMachines, Instant now) {
        UUID id;
        try {
            id = UUID.fromString(activationId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(refused("The onboarding secret id is not a GUID."));
        }
        return secrets.lock(tx, id).chain(secret -> {
            if (secret == null || code == null || !MessageDigest.isEqual(secret.codeSha256().getBytes(StandardCharsets.UTF_8),
                    digest(code).getBytes(StandardCharsets.UTF_8))) {
                throw refused("The onboarding secret's id or code is wrong.");
            }
            if (!secret.subscriptionId().equals(subscriptionId) || !secret.resourceGroup().equalsIgnoreCase(resourceGroup)) {
                throw refused("The onboarding secret registers machines in resource group '" + secret.resourceGroup() + "' only.");
            }
            if (!now.isBefore(secret.expiresAt())) {
                throw refused("The onboarding secret expired at " + secret.expiresAt() + ".");
            }
            if (secret.registrations() + newMachines > secret.registrationLimit()) {
                throw refused("The onboarding secret's registration limit (" + secret.registrationLimit() + ") is reached: "
                        + secret.registrations() + " machine(s) registered with it, " + newMachines + " more asked.");
            }
            return secrets.count(tx, id, newMachines);
        });
    }

    private static ApiException refused(String why) {
        return new ApiException(ArmErrorCode.AuthenticationFailed, "Authentication failed. " + why);
    }

}
