package dev.bulwark.model;

/**
 * A message that carries the sender's Ed25519 signature over its canonical bytes
 * ({@link Canonical}, the {@code signature} field left out).
 */
public interface Signed<T extends Signed<T>> {
    String SIGNATURE_FIELD = "signature";

    String signature();

    T withSignature(String signature);
}
