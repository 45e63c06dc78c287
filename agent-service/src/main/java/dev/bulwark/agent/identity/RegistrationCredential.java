package dev.bulwark.agent.identity;

import dev.bulwark.model.auth.MachineTokens;
import dev.bulwark.model.auth.OnboardingSecretHeaders;

import java.net.http.HttpRequest;

/**
 * What proves a registration may happen. {@code connect}: a bearer token of a principal allowed to register
 * machines (the Azure Connected Machine Onboarding role, or an administrator), or an onboarding secret
 * (activation id and code, like an SSM hybrid activation). {@code identity rotate}: a token signed by the
 * machine's current key over its new keys ({@code MachineTokens}); after onboarding the machine is its own key.
 */
public sealed interface RegistrationCredential {
    void applyTo(HttpRequest.Builder request);

    /** Only for tests against a stand-in cloud that checks nothing. */
    RegistrationCredential NONE = new None();

    record None() implements RegistrationCredential {
        @Override
        public void applyTo(HttpRequest.Builder request) {
        }
    }

    record BearerToken(String token) implements RegistrationCredential {
        @Override
        public void applyTo(HttpRequest.Builder request) {
            request.header("Authorization", "Bearer " + token);
        }

        @Override
        public String toString() {
            return "BearerToken[redacted]";
        }
    }

    /** {@code Authorization: Machine <JWT>}, signed by the machine's current key. */
    record MachineSignature(String token) implements RegistrationCredential {
        @Override
        public void applyTo(HttpRequest.Builder request) {
            request.header("Authorization", MachineTokens.header(token));
        }

        @Override
        public String toString() {
            return "MachineSignature[redacted]";
        }
    }

    record OnboardingSecret(String activationId, String code) implements RegistrationCredential {
        @Override
        public void applyTo(HttpRequest.Builder request) {
            request.header(OnboardingSecretHeaders.ACTIVATION_ID, activationId).header(OnboardingSecretHeaders.ACTIVATION_CODE, code);
        }

        @Override
        public String toString() {
            return "OnboardingSecret[" + activationId + ", code redacted]";
        }

        /** {@code ID:CODE}, as {@code --onboarding-secret} takes it. */
        public static OnboardingSecret parse(String text) {
            int colon = text.indexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new IllegalArgumentException("an onboarding secret is ACTIVATION_ID:CODE");
            }
            return new OnboardingSecret(text.substring(0, colon).trim(), text.substring(colon + 1).trim());
        }
    }
}
