package dev.bulwark.model.auth;

/** The headers that carry an onboarding secret on a machine registration (agent and cloud spell them here). */
public final class OnboardingSecretHeaders {
    public static final String ACTIVATION_ID = "x-bulwark-activation-id";
    public static final String ACTIVATION_CODE = "x-bulwark-activation-code";

    private OnboardingSecretHeaders() {
    }
}
