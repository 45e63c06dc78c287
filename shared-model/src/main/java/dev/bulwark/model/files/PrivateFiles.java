package dev.bulwark.model.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one way Bulwark writes a small file whole: keys, local configuration, machine state, env files with
 * passwords. A temporary file in the same directory (so the rename stays on one file system), created with its
 * final mode (0600 for private files, whatever the umask: no moment when others could open it), then an
 * {@code ATOMIC_MOVE} over the target, so a crash or a concurrent reader sees the old or the new content and
 * never half of either.
 *
 * <p>{@code durable} adds an fsync of the file before the rename and of the directory after it, so the new
 * content survives a power loss once the call returns; without it (simulated machines, test fixtures) the write
 * is still atomic, only faster.
 *
 * <p>A file that belongs to another user is never replaced: a root-owned configuration must not be swapped by an
 * unprivileged process that can write the folder. Missing directories are created 0700.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    /** For files anyone may read (certificates, public keys), written the same way. */
    public static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    /** The owner of the files this process creates. */
    private static volatile Object processUid;

    private PrivateFiles() {
    }

    /** Replaces {@code target} with {@code content}, mode 0600. */
    public static void write(Path target, byte[] content, boolean durable) throws IOException {
        write(target, content, OWNER_READ_WRITE, true, durable);
    }

    /** Replaces {@code target} with {@code content}, mode 0644: a certificate or a public key. */
    public static void writeWorldReadable(Path target, byte[] content, boolean durable) throws IOException {
        write(target, content, WORLD_READABLE, true, durable);
    }

    /**
     * Creates {@code target} with {@code content} and {@code permissions}, never over an existing file: a key
     * once written stays, and of two writers racing the first wins.
     *
     * @throws FileAlreadyExistsException if {@code target} exists, before or during the write
     */
    public static void writeNew(Path target, byte[] content, Set<PosixFilePermission> permissions, boolean durable)
            throws IOException {
        write(target, content, permissions, false, durable);
    }

    private static void write(Path target, byte[] content, Set<PosixFilePermission> permissions, boolean replace,
                              boolean durable) throws IOException {
        Path file = target.toAbsolutePath();
        if (!replace && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(file.toString(), null, "refusing to replace an existing file");
        }
        Temporary temp = createTemporary(file, permissions);
        boolean moved = false;
        try {
            try (FileChannel channel = temp.channel()) {
                refuseIfOwnedByAnother(file, temp.path());
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (durable) {
                    channel.force(true);
                }
            }
            if (replace) {
                Files.move(temp.path(), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                // Without REPLACE_EXISTING the move fails if the name was taken meanwhile.
                Files.move(temp.path(), file);
            }
            moved = true;
            if (durable) {
                fsyncDirectory(file.getParent());
            }
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp.path());
            }
        }
    }

    /** Creates missing directories as 0700 (existing ones are left as they are). */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            createPrivateDirectories(parent);
        }
        try {
            if (isPosix(parent)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException raced) {
            // Another process created it first: fine.
        }
    }

    /** Reads a file, or returns null when it does not exist. */
    public static byte[] readIfExists(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** A temporary file this process created, open for writing. */
    private record Temporary(Path path, FileChannel channel) {
    }

    private static Temporary createTemporary(Path file, Set<PosixFilePermission> permissions) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path candidate = file.resolveSibling("." + file.getFileName() + "."
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                return new Temporary(candidate, createOpen(candidate, permissions));
            } catch (NoSuchFileException | FileAlreadyExistsException e) {
                if (attempt == 3) {
                    throw e;
                }
                if (e instanceof NoSuchFileException) {
                    // Created on first use only: an agent writes its state on every operation, and each system call counts.
                    createPrivateDirectories(file.getParent());
                } // else a random name met an existing file (or a planted link): never ours, try another
            }
        }
    }

    /**
     * Creates {@code file} (never opening an existing file or following a link) and opens it for writing, with
     * {@code permissions} whatever the umask: one open, where a temporary file of the JDK's would be created,
     * closed and opened again.
     */
    private static FileChannel createOpen(Path file, Set<PosixFilePermission> permissions) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (!isPosix(file.getParent())) {
            return FileChannel.open(file, options);
        }
        FileChannel channel = FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(permissions));
        try {
            Files.setPosixFilePermissions(file, permissions); // the umask may have taken bits away
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * {@code ours} is a file this process just created, so its owner is this process's user (which cannot
     * change while the process runs: it is read from the first such file and kept).
     */
    private static void refuseIfOwnedByAnother(Path file, Path ours) throws IOException {
        try {
            Object owner;
            try {
                owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException absent) {
                return;
            }
            Object self = processUid;
            if (self == null) {
                self = Files.getAttribute(ours, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                processUid = self;
            }
            if (!owner.equals(self)) {
                throw new FileOwnershipException("refusing to replace " + file + ": it belongs to uid " + owner
                        + ", not to this user (uid " + self + "). Run the command as the file's owner.");
            }
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixAttributes) {
            // Not a Unix file system: there is no owner to compare.
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupported) {
            // Some platforms cannot open a directory; the rename itself is still atomic.
        }
    }

    private static boolean isPosix(Path anyPath) {
        return anyPath != null && anyPath.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The file to write belongs to another user. */
    public static final class FileOwnershipException extends IOException {
        public FileOwnershipException(String message) {
            super(message);
        }
    }
}
