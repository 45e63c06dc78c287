package dev.bulwark.agent.host;

import dev.bulwark.agent.identity.KeyFingerprint;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.OperationVerifier;

import java.security.PublicKey;
import java.util.Base64;

/**
 * One cloud signing key trusted by machines of this process (as {@code connect} stored it), decoded once
 * and shared by every machine that trusts it: the operation verifier remembers the batch roots it has
 * verified, so a batch sent to thousands of hosted machines costs one signature check for all of them.
 * Guest assignments are signed one by one and checked against the same key.
 */
public final class CloudTrust {
    private final PublicKey key;
    private final Ed25519.VerifyingKey verifyingKey;
    private final OperationVerifier operations;
    private final String fingerprint;

    CloudTrust(String base64Key) {
        this.key = Ed25519.decodePublic(base64Key);
        this.verifyingKey = Ed25519.verifyingKey(key);
        this.operations = new OperationVerifier(verifyingKey);
        this.fingerprint = KeyFingerprint.of(Base64.getEncoder().encodeToString(key.getEncoded()));
    }

    public PublicKey publicKey() {
        return key;
    }

    /** For singly signed messages ({@code bulwark.guest-assignments}). */
    Ed25519.VerifyingKey verifyingKey() {
        return verifyingKey;
    }

    /** For batch-signed extension operations. */
    OperationVerifier operations() {
        return operations;
    }

    /** As {@code show} and {@code connect} print it, for dead-letter messages. */
    String fingerprint() {
        return fingerprint;
    }
}
