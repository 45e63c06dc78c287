package dev.bulwark.cloud.signing;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.CatalogSigner;
import dev.bulwark.model.catalog.KeyFiles;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.crypto.Ed25519;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;


/**
 * The cloud's online catalog key: Ed25519, kept apart from the operation-signing key so that each can be
 * rotated (or compromised) without the other. Its public half is the trust root a machine takes at
 * {@code connect} ({@code properties.catalogSigningKeys} of the machine resource); after that only the
 * machine's administrator changes what it trusts.
 *
 * <p>The files use the publisher tools' format ({@code publisher keygen}): the private key file is JSON,
 * mode 0600, so an operator can also sign a catalog offline with it ({@code publisher sign --key}).
 */
@Startup
@ApplicationScoped
public class CatalogSigningKey {
    static final String PRIVATE_FILE = "catalog-signing.key";
    static final String PUBLIC_FILE = "catalog-signing.pub";
    private static final Logger LOG = Logger.getLogger(CatalogSigningKey.class);

    private final CatalogSigner signer;
    private final String publicKeyBase64;

    @Inject
    public CatalogSigningKey(CloudConfig config) {
        KeyPair keys = loadOrCreate(config.keyDir());
        this.signer = new CatalogSigner(keys);
        this.publicKeyBase64 = Ed25519.encodePublic(keys.getPublic());
    }

    public Catalog sign(Catalog catalog) {
        return signer.sign(catalog);
    }

    /** {@link TrustedKeys#keyId} of this key, as catalog signatures name it. */
    public String keyId() {
        return signer.keyId();
    }

    /** Base64 X.509 public keys machines should trust; a list so a rotation can show old and new. */
    public List<String> publicKeysBase64() {
        return List.of(publicKeyBase64);
    }

    static KeyPair loadOrCreate(Path dir) {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        try {
            if (Files.exists(privateFile)) {
                KeyPair keys = KeyFiles.readPrivate(privateFile);
                if (!Files.exists(publicFile)) {
                    KeyFiles.writePublic(publicFile, keys.getPublic());
                }
                return keys;
            }
            KeyDirectory.ensureOwnerOnly(dir);
            KeyPair keys = Ed25519.generate();
            // The private file is the key; the public file is a copy for operators (and is rewritten if lost).
            KeyFiles.writePrivate(privateFile, keys);
            KeyFiles.writePublic(publicFile, keys.getPublic());
            LOG.infof("Created the catalog signing key %s in %s", TrustedKeys.shortId(TrustedKeys.keyId(keys.getPublic())), dir);
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load or create the catalog signing key in " + dir, e);
        }
    }
}
