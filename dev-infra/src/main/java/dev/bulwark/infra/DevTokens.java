package dev.bulwark.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.Json;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Bearer tokens from the cloud's built-in issuer, for development, tests and load tests
 * ({@code ./bulwark token}): signed with the key the cloud created in {@code <key-dir>/issuer}, for the issuer
 * and audience its {@code issuer.json} names. A token carries its role assignments (claim
 * {@code roleAssignments}); {@code oid} is derived from the principal's name, so the same name is always the
 * same principal (role assignments made through the API name it).
 */
public final class DevTokens {
    private final String issuer;
    private final String audience;
    private final String keyId;
    private final PrivateKey key;

    private DevTokens(String issuer, String audience, String keyId, PrivateKey key) {
        this.issuer = issuer;
        this.audience = audience;
        this.keyId = keyId;
        this.key = key;
    }

    /** A role held at a scope ({@code /subscriptions/S}, {@code /}...). */
    public record Role(String role, String scope) {
    }

    /** The issuer whose files the cloud keeps under {@code keyDir/issuer}. */
    public static DevTokens fromKeyDir(Path keyDir) {
        Path dir = keyDir.resolve("issuer");
        try {
            JsonNode description = Json.MAPPER.readTree(Files.readString(dir.resolve("issuer.json")));
            String pem = Files.readString(dir.resolve(description.path("privateKeyFile").asText()), StandardCharsets.UTF_8);
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").trim());
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            return new DevTokens(description.path("issuer").asText(), description.path("audience").asText(),
                    description.path("keyId").asText(), key);
        } catch (IOException e) {
            throw new UncheckedIOException("no built-in issuer under " + dir + " (the cloud creates it on first start)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the built-in issuer's key in " + dir + " is not an RSA private key", e);
        }
    }

    /** The principal id ({@code oid}) a name's tokens carry: role assignments made through the API name it. */
    public static String objectId(String principal) {
        return UUID.nameUUIDFromBytes(("bulwark-principal:" + principal).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public String mint(String principal, List<Role> roles, Duration lifetime) {
        return mint(principal, roles, Instant.now(), lifetime, audience);
    }

    /** Any token, also one already expired or for another audience (tests of the defences). */
    public String mint(String principal, List<Role> roles, Instant issuedAt, Duration lifetime, String audience) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(audience);
        claims.setSubject(objectId(principal));
        claims.setClaim("oid", objectId(principal));
        claims.setClaim("upn", principal);
        claims.setIssuedAt(NumericDate.fromSeconds(issuedAt.getEpochSecond()));
        claims.setNotBefore(NumericDate.fromSeconds(issuedAt.getEpochSecond() - 60));
        claims.setExpirationTime(NumericDate.fromSeconds(issuedAt.plus(lifetime).getEpochSecond()));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setClaim("roleAssignments", roles.stream().map(r -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("role", r.role());
            entry.put("scope", r.scope());
            return entry;
        }).toList());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(keyId);
        jws.setKey(key);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    public String audience() {
        return audience;
    }
}
