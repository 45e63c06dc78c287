package dev.bulwark.cloud.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Authentication ({@code bulwark.auth.*}). Tokens are validated by SmallRye JWT with the standard
 * {@code mp.jwt.verify.*} keys (issuer, audiences, JWKS location), which application.properties points at
 * the built-in issuer; pointing them at Keycloak or Entra ID and turning the built-in issuer off is all it
 * takes to use a real identity provider (docs/security.md).
 */
@ConfigMapping(prefix = "bulwark.auth")
public interface AuthConfig {
    /** Runs the built-in issuer: a signing key created on first start under the key directory, its JWKS served. */
    @WithDefault("true")
    boolean builtInIssuer();

    /** The {@code iss} of the built-in issuer's tokens (and what {@code mp.jwt.verify.issuer} expects by default). */
    String issuer();

    /** The {@code aud} the built-in issuer's tokens carry (and {@code mp.jwt.verify.audiences} expects by default). */
    String audience();

    /**
     * Honour role assignments that a token carries (claim {@code roleAssignments}) besides stored ones. The
     * built-in issuer puts them there; with an identity provider whose administrators must not grant Bulwark
     * roles, set it to false and manage role assignments through the API.
     */
    @WithDefault("true")
    boolean tokenRoleAssignments();
}
