package dev.bulwark.cloud.signing;

import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cloud's key folder (0700) and its small text files: each written whole and durably by {@link PrivateFiles},
 * secrets readable by the owner only, public halves by anyone. A key is read at start, never half-written.
 */
final class KeyDirectory {
    private KeyDirectory() {
    }

    static void ensureOwnerOnly(Path dir) {
        try {
            PrivateFiles.createPrivateDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the key directory " + dir, e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** A private key: mode 0600 from its first byte, so a secret never lies readable. */
    static void writeSecret(Path file, String content) {
        try {
            PrivateFiles.write(file, bytes(content), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A public key or description: mode 0644. */
    static void writePublic(Path file, String content) {
        try {
            PrivateFiles.writeWorldReadable(file, bytes(content), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static byte[] bytes(String content) {
        return (content + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
