package dev.bulwark.cloud.service;

/**
 * A machine's PUT body, validated: location, base64 X.509 Ed25519 and X25519 public keys, agent version, and
 * tags (a JSON object of strings, or null to keep a known machine's tags).
 */
public record MachineRegistration(String location, String signingKey, String encryptionKey, String agentVersion,
                                  String tags) {

    /** One machine of a bulk registration. */
    public record Named(String name, MachineRegistration registration) {
    }
}
