package dev.bulwark.cloud.storage;

import dev.bulwark.cloud.config.StorageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link PackageStorage} in a folder ({@code bulwark.storage.dir}): objects are files under their names,
 * uploads wait in {@code .incoming/} on the same file system so that storing one is an atomic rename.
 *
 * <p>Several replicas may share the folder (a ReadWriteMany volume, deploy/README.md): names are unique
 * ({@link Files#createTempFile}), every store is a rename, and the catalog is written under the database's
 * catalog lock. So a replica that starts removes only uploads untouched for {@link #ABANDONED_AFTER}, never
 * one that another replica is still receiving.
 */
@ApplicationScoped
public class FileSystemPackageStorage implements PackageStorage {
    static final String INCOMING = ".incoming";
    /** An upload not written to for this long was interrupted by a crash: a live one is written to, then stored. */
    static final Duration ABANDONED_AFTER = Duration.ofDays(1);

    private final Path root;
    private final Path incoming;

    @Inject
    public FileSystemPackageStorage(StorageConfig config) {
        this(config, Clock.systemUTC());
    }

    FileSystemPackageStorage(StorageConfig config, Clock clock) {
        this.root = config.dir().toAbsolutePath().normalize();
        this.incoming = root.resolve(INCOMING);
        try {
            Files.createDirectories(incoming);
            removeAbandonedUploads(clock.instant().minus(ABANDONED_AFTER));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the package storage folder " + root, e);
        }
    }

    /** Uploads a crash interrupted: never stored, never referenced. Fresher ones may be another replica's. */
    private void removeAbandonedUploads(Instant writtenBefore) throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(incoming)) {
            for (Path leftover : leftovers) {
                try {
                    if (Files.getLastModifiedTime(leftover, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(writtenBefore)) {
                        Files.deleteIfExists(leftover);
                    }
                } catch (NoSuchFileException storedOrDeletedMeanwhile) {
                    // Another replica stored or removed it.
                }
            }
        }
    }

    @Override
    public Path createTempFile() throws IOException {
        return Files.createTempFile(incoming, "upload-", ".zip");
    }

    @Override
    public void store(String object, Path source) throws IOException {
        Path target = resolve(object);
        Files.createDirectories(target.getParent());
        Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void store(String object, byte[] content) throws IOException {
        Path temp = createTempFile();
        try {
            Files.write(temp, content);
            store(object, temp);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public boolean delete(String object) throws IOException {
        return Files.deleteIfExists(resolve(object));
    }

    @Override
    public Optional<StoredObject> find(String object) {
        if (!StorageObjects.isObjectName(object)) {
            return Optional.empty();
        }
        Path file = resolve(object);
        try {
            // A link is never followed: storage holds regular files only, written by this class.
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile() ? Optional.of(new StoredObject(file, attributes.size())) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + object + " in package storage", e);
        }
    }

    private Path resolve(String object) {
        if (!StorageObjects.isObjectName(object)) {
            throw new IllegalArgumentException("not a storage object name: " + object);
        }
        Path file = root.resolve(object).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException("not a storage object name: " + object);
        }
        return file;
    }
}
