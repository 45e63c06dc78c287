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
import java.util.Optional;

/**
 * {@link PackageStorage} in a folder ({@code bulwark.storage.dir}): objects are files under their names,
 * uploads wait in {@code .incoming/} on the same file system so that storing one is an atomic rename.
 */
@ApplicationScoped
public class FileSystemPackageStorage implements PackageStorage {
    static final String INCOMING = ".incoming";

    private final Path root;
    private final Path incoming;

    @Inject
    public FileSystemPackageStorage(StorageConfig config) {
        this.root = config.dir().toAbsolutePath().normalize();
        this.incoming = root.resolve(INCOMING);
        try {
            Files.createDirectories(incoming);
            // Uploads a crash interrupted: never stored, never referenced.
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(incoming)) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the package storage folder " + root, e);
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
