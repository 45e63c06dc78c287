package dev.bulwark.model.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 signatures from the JDK. Public keys travel as base64 X.509 (SubjectPublicKeyInfo), private
 * keys rest as base64 PKCS#8.
 */
public final class Ed25519 {
    public static final String ALGORITHM = "Ed25519";

    private Ed25519() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(PrivateKey key, byte[] data) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(data);
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** False for a wrong, malformed or missing signature; never throws for bad input. */
    public static boolean verify(PublicKey key, byte[] data, String signatureBase64) {
        if (key == null || signatureBase64 == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(Base64.getDecoder().decode(signatureBase64));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public static String encodePublic(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static String encodePrivate(PrivateKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static PublicKey decodePublic(String base64) {
        return Keys.decodePublic(ALGORITHM, base64);
    }

    public static PrivateKey decodePrivate(String base64) {
        return Keys.decodePrivate(ALGORITHM, base64);
    }

    /** Shared decoding of X.509 / PKCS#8 keys for the JDK's named algorithms. */
    static final class Keys {
        private Keys() {
        }

        static PublicKey decodePublic(String algorithm, String base64) {
            try {
                return KeyFactory.getInstance(algorithm)
                        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
            } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("not a base64 X.509 " + algorithm + " public key", e);
            }
        }

        static PrivateKey decodePrivate(String algorithm, String base64) {
            try {
                return KeyFactory.getInstance(algorithm)
                        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
            } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("not a base64 PKCS#8 " + algorithm + " private key", e);
            }
        }
    }
}
