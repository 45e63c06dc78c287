package dev.bulwark.model.auth;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.lang.JoseException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Function;

/**
 * How a machine proves who it is on every HTTP request it makes to the cloud: a short-lived JWT (JWS, EdDSA)
 * signed by the machine's own Ed25519 key, sent as {@code Authorization: Bearer <token>}. The subject is the
 * machine's resource id (lower case); the audience says what the token is for, so a token for package
 * downloads cannot re-key the machine. A re-registration with new keys binds the new keys' digest
 * ({@value #NEW_KEYS_CLAIM}) so a captured token cannot install other keys. The cloud looks the signing key up
 * by the subject: only the machine's current key verifies.
 */
public final class MachineTokens {
    /** Audience of tokens for the package storage endpoint and the private-endpoint route. */
    public static final String STORAGE = "bulwark-storage";
    /** Audience of a re-registration signed by the machine's current key ({@code bulwark-agent identity rotate}). */
    public static final String REGISTRATION = "bulwark-registration";
    public static final String NEW_KEYS_CLAIM = "newKeys";
    /** The {@code Authorization} scheme of machine tokens (not Bearer: they are not the API's principals' tokens). */
    public static final String SCHEME = "Machine ";
    /** Long enough for a slow download's first byte, short enough that a leaked token is soon useless. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final int CLOCK_SKEW_SECONDS = 120;

    private MachineTokens() {
    }

    /** What a verified token says. */
    public record Verified(String machineId, String newKeys) {
    }

    public static String mint(String machineId, PrivateKey key, String audience, String newKeys, Instant now) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(machineId);
        claims.setSubject(machineId);
        claims.setAudience(audience);
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(now.plus(LIFETIME).getEpochSecond()));
        claims.setJwtId(UUID.randomUUID().toString());
        if (newKeys != null) {
            claims.setStringClaim(NEW_KEYS_CLAIM, newKeys);
        }
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.EDDSA);
        jws.setKey(key);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a machine token", e);
        }
    }

    /** The digest a re-registration binds: both new public keys, as sent in the registration body. */
    public static String newKeysDigest(String signingKey, String encryptionKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((signingKey + "\n" + encryptionKey).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest); // lower-case hex, as the catalog's Sha256 writes it
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The subject a token claims, not yet verified (to look up the key that must verify it), or null. */
    public static String subjectOf(String token) {
        try {
            return new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature().setSkipSignatureVerification()
                    .build().process(token).getJwtClaims().getSubject();
        } catch (InvalidJwtException | MalformedClaimException e) {
            return null;
        }
    }

    /** The {@code Authorization} header value that carries a machine token. */
    public static String header(String token) {
        return SCHEME + token;
    }

    /** The token in an {@code Authorization: Machine <token>} header, or null. */
    public static String fromHeader(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                ? authorization.substring(SCHEME.length()).trim() : null;
    }

    /**
     * Verifies {@code token} for {@code audience}: signature by the key {@code keyOf} gives for its subject
     * (null when the machine is unknown), expiry, audience.
     *
     * @throws InvalidMachineToken with a reason fit for an error message
     */
    public static Verified verify(String token, String audience, Function<String, PublicKey> keyOf, Instant now)
            throws InvalidMachineToken {
        String subject;
        try {
            // First pass without checks: only to learn whose key must verify the signature.
            JwtContext unverified = new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature()
                    .setSkipSignatureVerification().build().process(token);
            subject = unverified.getJwtClaims().getSubject();
        } catch (InvalidJwtException | MalformedClaimException e) {
            throw new InvalidMachineToken("the machine token is not a JWT");
        }
        PublicKey key = subject == null ? null : keyOf.apply(subject);
        if (key == null) {
            throw new InvalidMachineToken("the machine token's subject is not a registered machine");
        }
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setRequireSubject()
                .setExpectedSubject(subject)
                .setRequireExpirationTime()
                .setMaxFutureValidityInMinutes((int) LIFETIME.toMinutes() + 1)
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
                .setEvaluationTime(NumericDate.fromSeconds(now.getEpochSecond()))
                .setExpectedAudience(audience)
                .setVerificationKey(key)
                .setJwsAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.EDDSA)
                .build();
        try {
            JwtClaims claims = consumer.processToClaims(token);
            return new Verified(subject, claims.getClaimValueAsString(NEW_KEYS_CLAIM));
        } catch (InvalidJwtException e) {
            throw new InvalidMachineToken(e.hasExpired() ? "the machine token has expired"
                    : "the machine token is not valid for " + audience + " or not signed by the machine's current key");
        }
    }

    /** A token that does not prove the machine's identity; the message says why. */
    public static final class InvalidMachineToken extends Exception {
        public InvalidMachineToken(String message) {
            super(message, null, false, false);
        }
    }
}
