package dev.bulwark.model.crypto;

import dev.bulwark.model.SealedSettings;

import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Seals protected settings to one machine: ephemeral X25519 key agreement with the machine's public key,
 * HKDF-SHA256 to an AES-256-GCM key, and {@code machineId} and {@code operationId} bound as associated
 * data so a sealed box cannot be replayed into another machine's or another operation's message.
 * Authenticated, unlike the RSA + 3DES envelope of the product we mirror.
 */
public final class SealedBox {
    public static final String ALG = "X25519-HKDF-SHA256-A256GCM";
    public static final String KEY_ALGORITHM = "X25519";
    private static final byte[] INFO = "bulwark protected settings v1".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private SealedBox() {
    }

    private static final RawKeys RAW = new RawKeys(KEY_ALGORITHM, "302a300506032b656e032100", "302e020100300506032b656e04220420");

    public static KeyPair generateKeyPair() {
        X25519PrivateKeyParameters key = new X25519PrivateKeyParameters(RawKeys.RANDOM);
        return RAW.keyPair(key.getEncoded(), key.generatePublicKey().getEncoded());
    }

    public static PublicKey decodePublic(String base64) {
        return RAW.decodePublic(base64);
    }

    public static PrivateKey decodePrivate(String base64) {
        return RAW.decodePrivate(base64);
    }

    public static SealedSettings seal(byte[] plaintext, PublicKey machineKey, String machineId, String operationId) {
        return sealer().seal(plaintext, machineKey, machineId, operationId);
    }

    /**
     * Seals one request's settings to many machines with one ephemeral key pair, which halves the cost of a
     * fleet-wide request (one key agreement per machine instead of a key generation and an agreement). Each
     * box still gets its own key (the agreement with each machine differs), its own random nonce and its own
     * associated data, so boxes are as independent as with fresh ephemeral keys; what is shared is only the
     * ephemeral public key, and its private half lives in this object's memory while the request is sealed.
     */
    public static Sealer sealer() {
        return new Sealer(generateKeyPair());
    }

    /** Safe to share between threads. */
    public static final class Sealer {
        private final X25519PrivateKeyParameters ephemeralPrivate;
        private final byte[] ephemeralEncoded;
        private final String ephemeralBase64;

        private Sealer(KeyPair ephemeral) {
            this.ephemeralPrivate = new X25519PrivateKeyParameters(RAW.rawPrivate(ephemeral.getPrivate()), 0);
            this.ephemeralEncoded = ephemeral.getPublic().getEncoded();
            this.ephemeralBase64 = Base64.getEncoder().encodeToString(ephemeralEncoded);
        }

        public SealedSettings seal(byte[] plaintext, PublicKey machineKey, String machineId, String operationId) {
            try {
                byte[] nonce = new byte[12];
                RANDOM.nextBytes(nonce);
                byte[] key = deriveKey(ephemeralPrivate, machineKey, ephemeralEncoded);
                byte[] ciphertext = AesGcm.encrypt(key, nonce, plaintext, aad(machineId, operationId));
                Base64.Encoder b64 = Base64.getEncoder();
                return new SealedSettings(ALG, ephemeralBase64, b64.encodeToString(nonce), b64.encodeToString(ciphertext));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Opens a sealed box, or throws {@link GeneralSecurityException} if it was not sealed for this machine and operation. */
    public static byte[] open(SealedSettings box, PrivateKey machineKey, String machineId, String operationId)
            throws GeneralSecurityException {
        if (!ALG.equals(box.alg())) {
            throw new GeneralSecurityException("unsupported sealed-settings algorithm " + box.alg());
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            byte[] ephemeralEncoded = b64.decode(box.ephemeralPublicKey());
            PublicKey ephemeral = decodePublic(box.ephemeralPublicKey());
            byte[] key = deriveKey(machineKey, ephemeral, ephemeralEncoded);
            return AesGcm.decrypt(key, b64.decode(box.nonce()), b64.decode(box.ciphertext()), aad(machineId, operationId));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("malformed sealed settings", e);
        }
    }

    private static byte[] deriveKey(PrivateKey own, PublicKey peer, byte[] ephemeralPublic) throws GeneralSecurityException {
        return deriveKey(new X25519PrivateKeyParameters(RAW.rawPrivate(own), 0), peer, ephemeralPublic);
    }

    private static byte[] deriveKey(X25519PrivateKeyParameters own, PublicKey peer, byte[] ephemeralPublic)
            throws GeneralSecurityException {
        X25519Agreement agreement = new X25519Agreement();
        agreement.init(own);
        byte[] secret = new byte[agreement.getAgreementSize()];
        try {
            agreement.calculateAgreement(new X25519PublicKeyParameters(RAW.rawPublic(peer), 0), secret, 0);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // a low-order peer key gives an all-zero secret; BouncyCastle refuses it, as RFC 7748 advises
            throw new GeneralSecurityException("unusable key agreement", e);
        }
        return hkdfSha256(secret, ephemeralPublic, INFO, 32);
    }

    private static byte[] aad(String machineId, String operationId) {
        return (machineId + "\n" + operationId).getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 5869 HKDF with SHA-256. */
    static byte[] hkdfSha256(byte[] inputKey, byte[] salt, byte[] info, int length) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] prk = mac.doFinal(inputKey);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        byte[] out = new byte[length];
        byte[] block = new byte[0];
        for (int done = 0, counter = 1; done < length; counter++) {
            mac.update(block);
            mac.update(info);
            mac.update((byte) counter);
            block = mac.doFinal();
            int n = Math.min(block.length, length - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        return out;
    }
}
