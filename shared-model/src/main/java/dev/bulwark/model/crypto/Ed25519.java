package dev.bulwark.model.crypto;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/**
 * Ed25519 signatures (RFC 8032). Keys are the JDK's {@code PublicKey}/{@code PrivateKey}; public keys
 * travel as base64 X.509 (SubjectPublicKeyInfo), private keys rest as base64 PKCS#8. The arithmetic is
 * BouncyCastle's, which is an order of magnitude faster than the JDK's here: every operation, result and
 * report is signed or verified once, so this is the agent's and the cloud's hottest code.
 */
public final class Ed25519 {
    public static final String ALGORITHM = "Ed25519";
    static final RawKeys RAW = new RawKeys(ALGORITHM, "302a300506032b6570032100", "302e020100300506032b657004220420");

    private Ed25519() {
    }

    public static KeyPair generate() {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RawKeys.RANDOM);
        return RAW.keyPair(key.getEncoded(), key.generatePublicKey().getEncoded());
    }

    public static String sign(PrivateKey key, byte[] data) {
        return signingKey(key).sign(data);
    }

    /** False for a wrong, malformed or missing signature; never throws for bad input. */
    public static boolean verify(PublicKey key, byte[] data, String signatureBase64) {
        if (key == null) {
            return false;
        }
        try {
            return verifyingKey(key).verify(data, signatureBase64);
        } catch (IllegalArgumentException notAnEd25519Key) {
            return false;
        }
    }

    /**
     * A private key ready to sign many messages. Keep one per key: deriving the public half (which every
     * Ed25519 signature needs) costs as much as a signature, and is done once here instead of every time.
     */
    public static SigningKey signingKey(PrivateKey key) {
        Ed25519PrivateKeyParameters parameters = new Ed25519PrivateKeyParameters(RAW.rawPrivate(key), 0);
        parameters.generatePublicKey(); // cached inside the parameters from now on
        return new SigningKey(parameters);
    }

    /**
     * A public key ready to verify many messages. Keep one per key: decoding the key's curve point costs
     * about a fifth of a verification, and is done once here instead of every time.
     */
    public static VerifyingKey verifyingKey(PublicKey key) {
        return new VerifyingKey(new Ed25519PublicKeyParameters(RAW.rawPublic(key), 0));
    }

    /** Immutable and safe to share between threads. */
    public static final class SigningKey {
        private final Ed25519PrivateKeyParameters key;

        private SigningKey(Ed25519PrivateKeyParameters key) {
            this.key = key;
        }

        /** The base64 signature of {@code data}. */
        public String sign(byte[] data) {
            return Base64.getEncoder().encodeToString(signRaw(data));
        }

        byte[] signRaw(byte[] data) {
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, key);
            signer.update(data, 0, data.length);
            return signer.generateSignature();
        }
    }

    /** Immutable and safe to share between threads. */
    public static final class VerifyingKey {
        private final Ed25519PublicKeyParameters key;
        private final byte[] encoded;

        private VerifyingKey(Ed25519PublicKeyParameters key) {
            this.key = key;
            this.encoded = key.getEncoded();
        }

        /** False for a wrong, malformed or missing signature; never throws for bad input. */
        public boolean verify(byte[] data, String signatureBase64) {
            if (signatureBase64 == null) {
                return false;
            }
            try {
                return verifyRaw(data, Base64.getDecoder().decode(signatureBase64));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        boolean verifyRaw(byte[] data, byte[] signature) {
            if (signature.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
                return false;
            }
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, key);
            verifier.update(data, 0, data.length);
            return verifier.verifySignature(signature);
        }

        /** The raw 32 key bytes: identifies the key (equal bytes, equal key). */
        byte[] raw() {
            return encoded.clone();
        }
    }

    public static String encodePublic(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static String encodePrivate(PrivateKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static PublicKey decodePublic(String base64) {
        return RAW.decodePublic(base64);
    }

    public static PrivateKey decodePrivate(String base64) {
        return RAW.decodePrivate(base64);
    }
}
