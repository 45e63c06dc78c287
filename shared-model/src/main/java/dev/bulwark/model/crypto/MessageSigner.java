package dev.bulwark.model.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.Canonical;
import dev.bulwark.model.Signed;

import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * Signs and verifies single messages over their {@link Canonical} bytes, the one definition both sides
 * share. Extension operations, which the cloud sends by the thousand, are signed in batches instead
 * ({@link OperationBatchSigner}).
 */
public final class MessageSigner {
    private MessageSigner() {
    }

    public static <T extends Signed<T>> T sign(T message, PrivateKey key) {
        return sign(message, Ed25519.signingKey(key));
    }

    public static <T extends Signed<T>> T sign(T message, Ed25519.SigningKey key) {
        return message.withSignature(key.sign(Canonical.bytesOf(message.withSignature(null))));
    }

    /** Verifies a received message from its parsed tree (so unknown fields are covered too). */
    public static boolean verify(JsonNode received, PublicKey key) {
        try {
            return verify(received, Ed25519.verifyingKey(key));
        } catch (IllegalArgumentException | NullPointerException notAnEd25519Key) {
            return false;
        }
    }

    public static boolean verify(JsonNode received, Ed25519.VerifyingKey key) {
        JsonNode signature = received.get(Signed.SIGNATURE_FIELD);
        return signature != null && signature.isTextual()
                && key.verify(Canonical.bytesOfTree(received), signature.textValue());
    }
}
