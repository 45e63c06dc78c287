package dev.bulwark.cloud.service;

/** A machine's PUT body, validated: location, base64 X.509 Ed25519 and X25519 public keys, agent version. */
public record MachineRegistration(String location, String signingKey, String encryptionKey, String agentVersion) {
}
