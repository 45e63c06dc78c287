package dev.bulwark.model.catalog;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static dev.bulwark.model.catalog.VerificationFailure.ArchiveTooLarge;
import static dev.bulwark.model.catalog.VerificationFailure.DuplicateArchiveEntry;
import static dev.bulwark.model.catalog.VerificationFailure.HandlerManifestInvalid;
import static dev.bulwark.model.catalog.VerificationFailure.PackageIdentityInvalid;
import static dev.bulwark.model.catalog.VerificationFailure.UnsafeArchiveEntry;

/**
 * {@code bulwark publisher pack}: a folder with a {@code HandlerManifest.json} into a deterministic package
 * ZIP (entries sorted by name, fixed timestamps, only regular files, owner-execute bit kept), plus a
 * generated {@link PackageIdentity#FILE_NAME}. Refuses links, unsafe names and an invalid manifest, naming
 * the file.
 */
public final class PackageBuilder {

    public record Result(Path zip, Catalog.Digest digest, int entries) {
    }

    private PackageBuilder() {
    }

    public static Result pack(Path dir, PackageIdentity identity, Path out) throws VerificationException, IOException {
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "not a folder");
        }
        Map<String, Path> files = collect(dir);
        if (files.containsKey(PackageIdentity.FILE_NAME)) {
            throw new VerificationException(PackageIdentityInvalid, dir.resolve(PackageIdentity.FILE_NAME)
                    + " exists; pack writes this file from --publisher, --type and --version");
        }
        Path manifestFile = files.get(HandlerManifest.FILE_NAME);
        if (manifestFile == null) {
            throw new VerificationException(HandlerManifestInvalid, dir + " has no " + HandlerManifest.FILE_NAME);
        }
        if (Files.size(manifestFile) > HandlerManifest.MAX_BYTES) {
            throw new VerificationException(HandlerManifestInvalid, manifestFile + " is larger than "
                    + HandlerManifest.MAX_BYTES + " bytes");
        }
        try {
            HandlerManifest.parse(Files.readAllBytes(manifestFile)).validate(files.keySet());
        } catch (VerificationException e) {
            throw new VerificationException(e.reason(), dir + ": " + e.getMessage());
        }

        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".partial");
        try {
            TreeMap<String, Path> sorted = new TreeMap<>(files);
            sorted.put(PackageIdentity.FILE_NAME, null);
            try (OutputStream stream = Files.newOutputStream(temp); ZipWriter zip = new ZipWriter(stream)) {
                for (Map.Entry<String, Path> entry : sorted.entrySet()) {
                    if (entry.getValue() == null) {
                        zip.add(entry.getKey(), identity.toJson(), ZipArchive.DEFLATED, ZipWriter.MODE_FILE);
                    } else {
                        zip.addFile(entry.getKey(), entry.getValue(),
                                isExecutable(entry.getValue()) ? ZipWriter.MODE_EXECUTABLE : ZipWriter.MODE_FILE);
                    }
                }
            }
            long size = Files.size(temp);
            if (size > ArchiveLimits.DEFAULTS.maxZipBytes()) {
                throw new VerificationException(ArchiveTooLarge, "the package would be " + size
                        + " bytes, more than the " + ArchiveLimits.DEFAULTS.maxZipBytes() + " agents accept");
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Result(target, Sha256.ofFile(target), sorted.size());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Regular files by their '/'-separated path in the package; anything else is refused. */
    private static Map<String, Path> collect(Path dir) throws VerificationException, IOException {
        Map<String, Path> files = new HashMap<>();
        Map<String, String> byCollisionKey = new HashMap<>();
        VerificationException[] refused = new VerificationException[1];
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                try {
                    if (attrs.isSymbolicLink()) {
                        throw new VerificationException(UnsafeArchiveEntry, file + " is a symbolic link;"
                                + " packages hold regular files only");
                    }
                    if (!attrs.isRegularFile()) {
                        throw new VerificationException(UnsafeArchiveEntry, file + " is not a regular file");
                    }
                    ArchivePaths.check(name);
                    String earlier = byCollisionKey.putIfAbsent(ArchivePaths.collisionKey(name), name);
                    if (earlier != null) {
                        throw new VerificationException(DuplicateArchiveEntry, "'" + earlier + "' and '" + name
                                + "' in " + dir + " are the same file on case-insensitive file systems");
                    }
                } catch (VerificationException e) {
                    refused[0] = e;
                    return FileVisitResult.TERMINATE;
                }
                files.put(name, file);
                return FileVisitResult.CONTINUE;
            }
        });
        if (refused[0] != null) {
            throw refused[0];
        }
        return files;
    }

    private static boolean isExecutable(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        return posix != null && posix.readAttributes().permissions().contains(PosixFilePermission.OWNER_EXECUTE);
    }
}
