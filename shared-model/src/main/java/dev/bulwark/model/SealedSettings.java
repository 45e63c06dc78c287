package dev.bulwark.model;

/**
 * Protected settings sealed to one machine's X25519 key for one operation (see
 * {@link dev.bulwark.model.crypto.SealedBox}). All fields are base64; the plaintext never travels.
 */
public record SealedSettings(String alg, String ephemeralPublicKey, String nonce, String ciphertext) {
}
