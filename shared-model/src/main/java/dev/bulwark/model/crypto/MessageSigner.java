package dev.bulwark.model.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.Canonical;
import dev.bulwark.model.Signed;

import java.security.PrivateKey;
import java.security.PublicKey;

/** Signs and verifies messages over their {@link Canonical} bytes, the one definition both sides share. */
public final class MessageSigner {
    private MessageSigner() {
    }

    public static <T extends Signed<T>> T sign(T message, PrivateKey key) {
        return message.withSignature(Ed25519.sign(key, Canonical.bytesOf(message.withSignature(null))));
    }

    /** Verifies a received message from its parsed tree (so unknown fields are covered too). */
    public static boolean verify(JsonNode received, PublicKey key) {
        JsonNode signature = received.get(Signed.SIGNATURE_FIELD);
        return signature != null && signature.isTextual()
                && Ed25519.verify(key, Canonical.bytesOfTree(received), signature.textValue());
    }
}
