package dev.bulwark.model.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Converts between the JDK's X.509 / PKCS#8 encodings of RFC 8032 / RFC 7748 keys (Ed25519, X25519) and
 * their raw 32 bytes, which is what the fast arithmetic takes. Both encodings are a fixed DER prefix
 * followed by the 32 key bytes (RFC 8410).
 */
final class RawKeys {
    static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_SIZE = 32;

    private final String algorithm;
    private final byte[] x509Prefix;
    private final byte[] pkcs8Prefix;

    RawKeys(String algorithm, String x509PrefixHex, String pkcs8PrefixHex) {
        this.algorithm = algorithm;
        this.x509Prefix = HexFormat.of().parseHex(x509PrefixHex);
        this.pkcs8Prefix = HexFormat.of().parseHex(pkcs8PrefixHex);
    }

    KeyPair keyPair(byte[] rawPrivate, byte[] rawPublic) {
        return new KeyPair(publicKey(concat(x509Prefix, rawPublic)), privateKey(concat(pkcs8Prefix, rawPrivate)));
    }

    byte[] rawPublic(PublicKey key) {
        return raw(key.getEncoded(), x509Prefix, "public");
    }

    byte[] rawPrivate(PrivateKey key) {
        return raw(key.getEncoded(), pkcs8Prefix, "private");
    }

    PublicKey decodePublic(String base64) {
        try {
            return publicKey(Base64.getDecoder().decode(base64.trim()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("not a base64 X.509 " + algorithm + " public key", e);
        }
    }

    PrivateKey decodePrivate(String base64) {
        try {
            return privateKey(Base64.getDecoder().decode(base64.trim()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("not a base64 PKCS#8 " + algorithm + " private key", e);
        }
    }

    private PublicKey publicKey(byte[] x509) {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(x509));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an X.509 " + algorithm + " public key", e);
        }
    }

    private PrivateKey privateKey(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PKCS#8 " + algorithm + " private key", e);
        }
    }

    private byte[] raw(byte[] encoded, byte[] prefix, String kind) {
        if (encoded == null || encoded.length != prefix.length + KEY_SIZE
                || !Arrays.equals(encoded, 0, prefix.length, prefix, 0, prefix.length)) {
            throw new IllegalArgumentException("not an " + algorithm + " " + kind + " key");
        }
        return Arrays.copyOfRange(encoded, prefix.length, encoded.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
