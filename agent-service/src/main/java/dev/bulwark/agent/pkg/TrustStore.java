package dev.bulwark.agent.pkg;

import dev.bulwark.model.catalog.KeyFiles;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import static dev.bulwark.model.catalog.VerificationFailure.TrustStoreInvalid;

/**
 * The catalog keys one machine trusts: {@code HOME/trust/catalog/<key id prefix>.pub}, folder 0700, files
 * 0600, one base64 X.509 Ed25519 key each. Only a local command adds or removes a key
 * ({@code bulwark-agent package trust add|remove}, or {@code connect} at install time); nothing the cloud
 * sends can. Reading fails closed: a link, a key file or folder writable by other users, or a file that is
 * not a key makes every catalog untrusted rather than trusting what an attacker may have put there.
 */
public final class TrustStore {
    public static final String DIRECTORY = "trust/catalog";
    private static final String SUFFIX = ".pub";
    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    /** One trusted key and the file it came from. */
    public record TrustedKey(String keyId, PublicKey key, Path file) {
    }

    private final Path directory;

    public TrustStore(Path home) {
        this.directory = home.resolve(DIRECTORY);
    }

    public Path directory() {
        return directory;
    }

    /** Adds a key (idempotent); returns it with its file. */
    public TrustedKey add(PublicKey key) throws IOException {
        return add(key, true);
    }

    /** {@code durable} false skips the fsyncs, for throw-away simulated fleets ({@code connect --count}). */
    public TrustedKey add(PublicKey key, boolean durable) throws IOException {
        String keyId = TrustedKeys.keyId(key);
        PrivateFiles.createPrivateDirectories(directory);
        Path file = directory.resolve(TrustedKeys.shortId(keyId) + SUFFIX);
        PrivateFiles.write(file, (Ed25519.encodePublic(key) + "\n").getBytes(StandardCharsets.UTF_8), durable);
        return new TrustedKey(keyId, key, file);
    }

    /**
     * Removes the key whose id starts with {@code keyIdPrefix} (at least 8 hex digits).
     *
     * @return the removed key, or null if none matches
     * @throws IllegalArgumentException if the prefix is too short or matches several keys
     */
    public TrustedKey remove(String keyIdPrefix) throws IOException, VerificationException {
        String prefix = keyIdPrefix == null ? "" : keyIdPrefix.trim().toLowerCase(java.util.Locale.ROOT);
        if (prefix.length() < 8) {
            throw new IllegalArgumentException("give at least the first 8 hex digits of the key id");
        }
        List<TrustedKey> matches = list().stream().filter(k -> k.keyId().startsWith(prefix)).toList();
        if (matches.size() > 1) {
            throw new IllegalArgumentException("'" + keyIdPrefix + "' matches " + matches.size() + " keys; give more digits");
        }
        if (matches.isEmpty()) {
            return null;
        }
        Files.delete(matches.get(0).file());
        return matches.get(0);
    }

    /** Every trusted key, sorted by id; refuses (fails closed) if anything in the folder looks tampered with. */
    public List<TrustedKey> list() throws VerificationException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<TrustedKey> keys = new ArrayList<>();
        try {
            checkNotWritableByOthers(directory.getParent());
            checkNotWritableByOthers(directory);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
                for (Path file : files) {
                    checkNotWritableByOthers(file);
                    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                        throw invalid(file + " is not a regular file");
                    }
                    PublicKey key;
                    try {
                        key = KeyFiles.readPublic(file);
                    } catch (IllegalArgumentException e) {
                        throw invalid(e.getMessage());
                    }
                    keys.add(new TrustedKey(TrustedKeys.keyId(key), key, file));
                }
            }
        } catch (IOException e) {
            throw invalid("cannot read the trusted catalog keys in " + directory + ": " + e.getMessage());
        }
        keys.sort(Comparator.comparing(TrustedKey::keyId));
        return keys;
    }

    public TrustedKeys keys() throws VerificationException {
        return TrustedKeys.of(list().stream().map(TrustedKey::key).toList());
    }

    private static void checkNotWritableByOthers(Path path) throws IOException, VerificationException {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw invalid(path + " is a symbolic link");
        }
        if (attributes.permissions().stream().anyMatch(WRITABLE_BY_OTHERS::contains)) {
            throw invalid(path + " is writable by other users (mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(attributes.permissions()) + ")");
        }
    }

    private static VerificationException invalid(String message) {
        return new VerificationException(TrustStoreInvalid, message);
    }
}
