package dev.bulwark.cloud.rest.body;

import dev.bulwark.cloud.rest.body.constraint.AgentKey;
import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import static dev.bulwark.cloud.rest.body.constraint.AgentKey.Algorithm.Ed25519;
import static dev.bulwark.cloud.rest.body.constraint.AgentKey.Algorithm.X25519;

/** A machine's public keys, from its agent's {@code connect}. */
@Schema(description = "The machine's public keys: the cloud checks its signatures with one and seals protected settings to the other")
public record AgentPublicKeys(
        @Schema(description = "base64 X.509 Ed25519 public key") @NotNull @AgentKey(Ed25519) String signing,
        @Schema(description = "base64 X.509 X25519 public key") @NotNull @AgentKey(X25519) String encryption) {
}
