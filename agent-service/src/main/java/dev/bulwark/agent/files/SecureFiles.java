package dev.bulwark.agent.files;

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
 * Files only the machine's administrator may read or change: written atomically (temporary file in the
 * same directory, fsync, rename, fsync of the directory) so a crash leaves the old or the new content and
 * never half of either, created 0600, and never written over a file that belongs to another user
 * (a root-owned configuration must not be replaced by an unprivileged process that can write the folder).
 */
public final class SecureFiles {
    public static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    /** The owner of the files this process creates. */
    private static volatile Object processUid;

    private SecureFiles() {
    }

    /** Writes {@code content} to {@code target} atomically; {@code durable} adds the fsyncs. */
    public static void writeAtomically(Path target, byte[] content, boolean durable) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Temporary temp = createTemporary(file);
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
            Files.move(temp.path(), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            if (durable) {
                fsyncDirectory(dir);
            }
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp.path());
            }
        }
    }

    /** A temporary file this process created, open for writing. */
    private record Temporary(Path path, FileChannel channel) {
    }

    private static Temporary createTemporary(Path file) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path candidate = temporaryName(file);
            try {
                return new Temporary(candidate, createPrivate(candidate));
            } catch (NoSuchFileException | FileAlreadyExistsException e) {
                if (attempt == 3) {
                    throw e;
                }
                if (e instanceof NoSuchFileException) {
                    // Created on first use only: every operation writes state.json, and each system call counts.
                    createPrivateDirectories(file.getParent());
                } // else a random name met an existing file (or a planted link): never ours, try another
            }
        }
    }

    private static Path temporaryName(Path file) {
        return file.resolveSibling("." + file.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
    }

    /**
     * Creates {@code file} (never opening an existing file or following a link) and opens it for writing,
     * 0600 whatever the umask: one open, where a temporary file of the JDK's would be created, closed and
     * opened again.
     */
    private static FileChannel createPrivate(Path file) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (!isPosix(file.getParent())) {
            return FileChannel.open(file, options);
        }
        FileChannel channel = FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
        try {
            Files.setPosixFilePermissions(file, OWNER_READ_WRITE); // whatever the umask said
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
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
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
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
