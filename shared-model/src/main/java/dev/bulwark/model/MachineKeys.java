package dev.bulwark.model;

/**
 * The public keys a machine registers at connect: Ed25519 to verify its results and reports, X25519 to
 * seal protected settings to it. Base64 X.509 encodings. Sent as {@code properties.agentPublicKeys}
 * of the machine resource; the cloud answers with its own signing key in {@code properties.cloudSigningKey}.
 */
public record MachineKeys(String signing, String encryption) {
}
