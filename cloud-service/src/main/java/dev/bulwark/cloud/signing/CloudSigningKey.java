package dev.bulwark.cloud.signing;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Signed;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import dev.bulwark.model.crypto.OperationBatchSigner;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;

/**
 * The cloud's Ed25519 key. Agents learn its public half when they register (the machine resource's
 * {@code cloudSigningKey}) and refuse any operation it did not sign. Created on first start, then kept:
 * replacing it would make every connected agent refuse the cloud until it re-registers.
 */
@Startup
@ApplicationScoped
public class CloudSigningKey {
    static final String PRIVATE_FILE = "cloud-signing.key";
    static final String PUBLIC_FILE = "cloud-signing.pub";
    private static final Logger LOG = Logger.getLogger(CloudSigningKey.class);

    private final Ed25519.SigningKey key;
    private final String publicKeyBase64;

    @Inject
    public CloudSigningKey(CloudConfig config) {
        KeyPair keys = loadOrCreate(config.keyDir());
        this.key = Ed25519.signingKey(keys.getPrivate());
        this.publicKeyBase64 = Ed25519.encodePublic(keys.getPublic());
    }

    /** A single message (guest assignments). */
    public <T extends Signed<T>> T sign(T message) {
        return MessageSigner.sign(message, key);
    }

    /** Extension operations, one signature for the whole batch (each operation gets its inclusion proof). */
    public List<ExtensionOperation> sign(List<ExtensionOperation> batch) {
        return OperationBatchSigner.sign(batch, key);
    }

    /** Base64 X.509 (SubjectPublicKeyInfo), as agents expect it. */
    public String publicKeyBase64() {
        return publicKeyBase64;
    }

    static KeyPair loadOrCreate(Path dir) {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        if (Files.exists(privateFile)) {
            if (!Files.exists(publicFile)) {
                throw new IllegalStateException(publicFile + " is missing next to " + privateFile
                        + ": restore it from a backup (a new key would lock out every registered agent)");
            }
            PublicKey publicKey = Ed25519.decodePublic(KeyDirectory.read(publicFile));
            return new KeyPair(publicKey, Ed25519.decodePrivate(KeyDirectory.read(privateFile)));
        }
        KeyDirectory.ensureOwnerOnly(dir);
        KeyPair keys = Ed25519.generate();
        // Public first: a crash in between leaves no private key without its public half.
        KeyDirectory.writePublic(publicFile, Ed25519.encodePublic(keys.getPublic()));
        KeyDirectory.writeSecret(privateFile, Ed25519.encodePrivate(keys.getPrivate()));
        LOG.infof("Created the cloud signing key in %s", dir);
        return keys;
    }
}
