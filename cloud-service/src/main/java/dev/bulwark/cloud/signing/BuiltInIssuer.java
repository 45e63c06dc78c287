package dev.bulwark.cloud.signing;

import dev.bulwark.cloud.config.AuthConfig;
import dev.bulwark.cloud.config.CloudConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.lang.JoseException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in token issuer for the two-commands setup: an RSA key created on first start under
 * {@code <key-dir>/issuer}, its public half written as a JWKS (which SmallRye JWT verifies tokens with, and
 * {@code /.well-known/jwks.json} serves), and {@code issuer.json} saying which issuer and audience tokens must
 * carry. Tokens are minted off-line from these files ({@code ./bulwark token}); the cloud never mints any.
 * With a real identity provider, {@code bulwark.auth.built-in-issuer=false} and none of this exists.
 */
@Startup
@ApplicationScoped
public class BuiltInIssuer {
    public static final String DIRECTORY = "issuer";
    public static final String PRIVATE_KEY_FILE = "issuer-signing.key";
    public static final String JWKS_FILE = "jwks.json";
    public static final String DESCRIPTION_FILE = "issuer.json";
    private static final Logger LOG = Logger.getLogger(BuiltInIssuer.class);

    private final String jwks;

    @Inject
    public BuiltInIssuer(AuthConfig auth, CloudConfig cloud) {
        this.jwks = auth.builtInIssuer() ? loadOrCreate(cloud.keyDir().resolve(DIRECTORY), auth) : null;
    }

    /** The public JWKS, when the built-in issuer runs. */
    public Optional<String> jwks() {
        return Optional.ofNullable(jwks);
    }

    static String loadOrCreate(Path dir, AuthConfig auth) {
        Path jwksFile = dir.resolve(JWKS_FILE);
        Path privateFile = dir.resolve(PRIVATE_KEY_FILE);
        try {
            if (!Files.exists(privateFile)) {
                KeyDirectory.ensureOwnerOnly(dir);
                RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
                key.setKeyId(Long.toHexString(System.currentTimeMillis()));
                key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
                key.setUse("sig");
                String pem = "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getPrivateKey().getEncoded())
                        + "\n-----END PRIVATE KEY-----";
                KeyDirectory.writePublic(jwksFile, new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
                KeyDirectory.writePublic(dir.resolve(DESCRIPTION_FILE), dev.bulwark.model.Json.MAPPER.writeValueAsString(Map.of(
                        "issuer", auth.issuer(), "audience", auth.audience(), "keyId", key.getKeyId(),
                        "privateKeyFile", PRIVATE_KEY_FILE)));
                KeyDirectory.writeSecret(privateFile, pem);
                LOG.infof("Created the built-in token issuer's key in %s (./bulwark token mints tokens with it)", dir);
            }
            return KeyDirectory.read(jwksFile);
        } catch (JoseException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot create the built-in issuer's key", e);
        }
    }
}
