package dev.bulwark.agent.extension;

import dev.bulwark.agent.identity.IdentityStore;
import dev.bulwark.model.crypto.AesGcm;
import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Protected settings at rest: {@code settings/<extension>.protected}, AES-256-GCM under the machine-local
 * key (settings.key), bound to the machine and extension name so a file copied to another machine
 * or renamed does not open. Plaintext exists only in memory, on its way to the handler.
 */
public final class ProtectedSettingsVault {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final Path dir;
    private final IdentityStore identity;
    private final boolean durable;

    public ProtectedSettingsVault(Path home, IdentityStore identity, boolean durable) {
        this.dir = home.resolve("settings");
        this.identity = identity;
        this.durable = durable;
    }

    public void store(String machineId, String extensionName, byte[] plaintext) throws IOException {
        try {
            byte[] sealed = AesGcm.seal(identity.settingsKey(), plaintext, aad(machineId, extensionName));
            PrivateFiles.write(file(extensionName), sealed, durable);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt protected settings of " + extensionName, e);
        }
    }

    public byte[] load(String machineId, String extensionName) throws IOException {
        byte[] sealed = PrivateFiles.readIfExists(file(extensionName));
        if (sealed == null) {
            return null;
        }
        try {
            return AesGcm.open(identity.settingsKey(), sealed, aad(machineId, extensionName));
        } catch (GeneralSecurityException e) {
            throw new IOException("protected settings of " + extensionName + " do not open with this machine's key", e);
        }
    }

    public void delete(String extensionName) throws IOException {
        Files.deleteIfExists(file(extensionName));
    }

    public Path file(String extensionName) {
        String safe = SAFE_NAME.matcher(extensionName).matches() && !extensionName.startsWith(".")
                ? extensionName : sha256(extensionName);
        return dir.resolve(safe + ".protected");
    }

    private static byte[] aad(String machineId, String extensionName) {
        return ("bulwark protected settings at rest\n" + machineId + "\n" + extensionName).getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
