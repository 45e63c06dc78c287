package dev.bulwark.agent.pkg;

import dev.bulwark.model.catalog.ArchiveLimits;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.ZipArchive;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static dev.bulwark.model.catalog.VerificationFailure.ArchiveEntryHashMismatch;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveEntryLengthMismatch;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveEntryMissing;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveEntryNotInCatalog;
import static dev.bulwark.model.catalog.VerificationFailure.ExtractionFailed;
import static dev.bulwark.model.catalog.VerificationFailure.UnsafeArchiveEntry;

/**
 * Extracts a package whose ZIP already matched the catalog, checking every entry as it is read: the strict
 * {@link ZipArchive} refuses unsafe names, links, duplicates and archive tricks; here every entry must be
 * listed by the catalog with the same length, every listed file must be present, and each file's SHA-256 is
 * compared once its bytes are written. Everything goes into a fresh temporary folder next to the target;
 * only a package that passed every check is moved into place (one atomic rename). On any failure the
 * temporary folder is deleted: nothing of a refused package is left on disk.
 */
public final class SafeExtractor {
    private final ArchiveLimits limits;

    public SafeExtractor(ArchiveLimits limits) {
        this.limits = limits;
    }

    /** Extracts {@code zip} into {@code target}, which must not exist yet. */
    public void extract(Path zip, Catalog.PackageEntry listing, Path target) throws VerificationException {
        Path destination = target.toAbsolutePath().normalize();
        Path temp;
        try {
            Files.createDirectories(destination.getParent());
            if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
                throw new VerificationException(ExtractionFailed, destination + " already exists");
            }
            temp = Files.createTempDirectory(destination.getParent(), "." + destination.getFileName() + ".partial-");
        } catch (IOException e) {
            throw new VerificationException(ExtractionFailed, "cannot prepare " + destination + ": " + e.getMessage(), e);
        }
        try {
            try (ZipArchive archive = ZipArchive.open(zip, limits)) {
                Map<String, Catalog.FileEntry> listed = checkNames(archive, listing);
                for (ZipArchive.Entry entry : archive.entries()) {
                    write(archive, entry, listed.get(entry.name()), temp, listing);
                }
            }
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE);
        } catch (VerificationException e) {
            deleteTree(temp);
            throw e;
        } catch (IOException e) {
            deleteTree(temp);
            throw new VerificationException(ExtractionFailed, "extracting " + listing.label() + " into " + destination
                    + " failed: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            deleteTree(temp);
            throw e;
        }
    }

    /** Before any byte is read: the archive's names and declared sizes against the catalog's listing. */
    private static Map<String, Catalog.FileEntry> checkNames(ZipArchive archive, Catalog.PackageEntry listing)
            throws VerificationException {
        Map<String, Catalog.FileEntry> listed = new HashMap<>();
        for (Catalog.FileEntry file : listing.files()) {
            listed.put(file.path(), file);
        }
        Set<String> present = new HashSet<>();
        for (ZipArchive.Entry entry : archive.entries()) {
            if (entry.directory()) {
                continue;
            }
            Catalog.FileEntry file = listed.get(entry.name());
            if (file == null) {
                throw new VerificationException(ArchiveEntryNotInCatalog, "entry '" + entry.name()
                        + "' is not listed in the catalog for " + listing.label());
            }
            if (entry.size() != file.length()) {
                throw new VerificationException(ArchiveEntryLengthMismatch, "entry '" + entry.name() + "' declares "
                        + entry.size() + " bytes, the catalog lists " + file.length());
            }
            present.add(entry.name());
        }
        for (Catalog.FileEntry file : listing.files()) {
            if (!present.contains(file.path())) {
                throw new VerificationException(ArchiveEntryMissing, "'" + file.path() + "' is listed in the catalog for "
                        + listing.label() + " but not in the archive");
            }
        }
        return listed;
    }

    private static void write(ZipArchive archive, ZipArchive.Entry entry, Catalog.FileEntry listed, Path root,
                              Catalog.PackageEntry listing) throws VerificationException, IOException {
        Path out = root.resolve(entry.name()).normalize();
        if (!out.startsWith(root) || out.equals(root)) {
            throw new VerificationException(UnsafeArchiveEntry, "entry '" + entry.name() + "' resolves outside the package");
        }
        if (entry.directory()) {
            Files.createDirectories(out);
            return;
        }
        Files.createDirectories(out.getParent());
        Catalog.Digest digest;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), 64 * 1024)) {
            digest = archive.copy(entry, file, listed.length());
        }
        if (!digest.sha256().equals(listed.sha256())) {
            throw new VerificationException(ArchiveEntryHashMismatch, "entry '" + entry.name() + "' has SHA-256 "
                    + digest.sha256() + ", the catalog for " + listing.label() + " lists " + listed.sha256());
        }
        if (out.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(entry.executable() ? "rwxr-xr-x" : "rw-r--r--"));
        }
    }

    /**
     * Copies a verified package folder (for example the shared copy {@link PackageVerifier} keeps) into a
     * machine's own folder, the same way: a temporary sibling first, then one atomic rename.
     */
    public static void copyVerified(Path verified, Path target) throws IOException {
        Path destination = target.toAbsolutePath().normalize();
        Files.createDirectories(destination.getParent());
        Path temp = Files.createTempDirectory(destination.getParent(), "." + destination.getFileName() + ".partial-");
        try {
            Files.walkFileTree(verified, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(temp.resolve(verified.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (!attrs.isRegularFile()) {
                        throw new IOException(file + " is not a regular file");
                    }
                    Files.copy(file, temp.resolve(verified.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                    return FileVisitResult.CONTINUE;
                }
            });
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTree(temp);
            throw e;
        }
    }

    /** Deletes a folder and everything in it, never following a link out of it. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // already deleted
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
