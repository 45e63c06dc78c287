package dev.bulwark.agent.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** {@code SHA256:<base64>} of a public key's encoding, as ssh prints fingerprints, for people to compare. */
public final class KeyFingerprint {
    private KeyFingerprint() {
    }

    public static String of(String base64Key) {
        if (base64Key == null || base64Key.isBlank()) {
            return "(none)";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(base64Key.trim()));
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IllegalArgumentException e) {
            return "(not base64)";
        }
    }
}
