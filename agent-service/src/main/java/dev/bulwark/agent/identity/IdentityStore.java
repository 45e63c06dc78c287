package dev.bulwark.agent.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.Json;
import dev.bulwark.model.MachineKeys;
import dev.bulwark.model.crypto.AesGcm;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.SealedBox;
import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Base64;

/**
 * A machine's identity files under its home: identity.json (public facts and the cloud's key),
 * machine-keys.json (its private keys) and settings.key (protected settings at rest), all 0600. Private
 * keys never leave the machine.
 */
public final class IdentityStore {
    public static final String IDENTITY_FILE = "identity.json";
    public static final String KEYS_FILE = "machine-keys.json";
    public static final String SETTINGS_KEY_FILE = "settings.key";
    static final String NEXT_KEYS_FILE = "machine-keys.next.json";

    private final Path home;
    private final boolean durable;

    /** {@code durable} false skips fsyncs: for throw-away simulated fleets, where 100,000 fsyncs cost minutes. */
    public IdentityStore(Path home, boolean durable) {
        this.home = home;
        this.durable = durable;
    }

    public IdentityStore(Path home) {
        this(home, true);
    }

    public Path home() {
        return home;
    }

    public boolean isConnected() {
        return Files.isRegularFile(home.resolve(IDENTITY_FILE));
    }

    public MachineIdentity read() throws IOException {
        byte[] bytes = Files.readAllBytes(home.resolve(IDENTITY_FILE));
        try {
            MachineIdentity identity = Json.MAPPER.readValue(bytes, MachineIdentity.class);
            if (identity.machineId() == null || identity.cloudSigningKey() == null) {
                throw new IOException(home.resolve(IDENTITY_FILE) + " lacks machineId or cloudSigningKey");
            }
            return identity;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(home.resolve(IDENTITY_FILE) + " is not valid: " + e.getOriginalMessage(), e);
        }
    }

    /** Just the machine id, without decoding the rest (host start-up reads one per simulated machine). */
    public String readMachineId() throws IOException {
        JsonNode tree = Json.MAPPER.readTree(Files.readAllBytes(home.resolve(IDENTITY_FILE)));
        JsonNode id = tree == null ? null : tree.get("machineId");
        if (id == null || !id.isTextual()) {
            throw new IOException(home.resolve(IDENTITY_FILE) + " has no machineId");
        }
        return id.textValue();
    }

    public void write(MachineIdentity identity) throws IOException {
        PrivateFiles.write(home.resolve(IDENTITY_FILE),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(identity), durable);
    }

    /**
     * The machine's public keys: the existing ones when this home already has keys (connecting again keeps
     * the machine's keys), else freshly generated Ed25519 and X25519 pairs, kept in one 0600 file so a
     * 100,000-machine fleet does not cost half a million small files.
     */
    public MachineKeys ensureKeys() throws IOException {
        MachineKeyFile existing = readKeys();
        if (existing != null) {
            return new MachineKeys(existing.signingPublic(), existing.encryptionPublic());
        }
        return newKeys(KEYS_FILE);
    }

    /**
     * New keys for {@code identity rotate}, kept beside the current ones ({@value #NEXT_KEYS_FILE}, 0600) until the
     * cloud has accepted them: the current keys stay in force until {@link #commitRotation}.
     */
    public MachineKeys prepareRotation() throws IOException {
        requireKeys();
        return newKeys(NEXT_KEYS_FILE);
    }

    /** Fresh Ed25519 and X25519 pairs written to {@code file} (0600), their public halves returned. */
    private MachineKeys newKeys(String file) throws IOException {
        KeyPair signing = Ed25519.generate();
        KeyPair encryption = SealedBox.generateKeyPair();
        Base64.Encoder b64 = Base64.getEncoder();
        MachineKeyFile keys = new MachineKeyFile(b64.encodeToString(signing.getPrivate().getEncoded()),
                b64.encodeToString(signing.getPublic().getEncoded()), b64.encodeToString(encryption.getPrivate().getEncoded()),
                b64.encodeToString(encryption.getPublic().getEncoded()));
        PrivateFiles.write(home.resolve(file), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(keys), durable);
        return new MachineKeys(keys.signingPublic(), keys.encryptionPublic());
    }

    /** The cloud accepted the new keys: they replace the current ones (one atomic rename), and identity.json says so. */
    public void commitRotation(MachineKeys accepted) throws IOException {
        Files.move(home.resolve(NEXT_KEYS_FILE), home.resolve(KEYS_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        MachineIdentity identity = read();
        write(new MachineIdentity(identity.machineName(), identity.subscription(), identity.resourceGroup(), identity.machineId(),
                identity.cloudUrl(), identity.cloudSigningKey(), accepted.signing(), accepted.encryption(), identity.agentVersion(),
                identity.connectedAt()));
    }

    /** The cloud refused the new keys: forget them. */
    public void abortRotation() throws IOException {
        Files.deleteIfExists(home.resolve(NEXT_KEYS_FILE));
    }

    public PrivateKey signingKey() throws IOException {
        return Ed25519.decodePrivate(requireKeys().signingPrivate());
    }

    public PrivateKey encryptionKey() throws IOException {
        return SealedBox.decodePrivate(requireKeys().encryptionPrivate());
    }

    /** The machine-local AES key that keeps protected settings encrypted at rest; created on first use. */
    public byte[] settingsKey() throws IOException {
        Path file = home.resolve(SETTINGS_KEY_FILE);
        if (!Files.exists(file)) {
            try {
                PrivateFiles.writeNew(file, Base64.getEncoder().encodeToString(AesGcm.newKey()).getBytes(StandardCharsets.UTF_8),
                        PrivateFiles.OWNER_READ_WRITE, durable);
            } catch (FileAlreadyExistsException raced) {
                // Never replaced: the first key wins, every writer then reads it.
            }
        }
        return Base64.getDecoder().decode(text(file));
    }

    /** Private keys (PKCS#8) and their public halves (X.509), base64. */
    record MachineKeyFile(String signingPrivate, String signingPublic, String encryptionPrivate, String encryptionPublic) {
    }

    private MachineKeyFile readKeys() throws IOException {
        byte[] bytes = PrivateFiles.readIfExists(home.resolve(KEYS_FILE));
        if (bytes == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(bytes, MachineKeyFile.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(home.resolve(KEYS_FILE) + " is not valid: " + e.getOriginalMessage(), e);
        }
    }

    private MachineKeyFile requireKeys() throws IOException {
        MachineKeyFile keys = readKeys();
        if (keys == null) {
            throw new IOException("this machine has no keys in " + home.resolve(KEYS_FILE) + ": run 'bulwark-agent connect'");
        }
        return keys;
    }

    private void write(Path file, String content) throws IOException {
        PrivateFiles.write(file, content.getBytes(StandardCharsets.UTF_8), durable);
    }

    private static String text(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
}
