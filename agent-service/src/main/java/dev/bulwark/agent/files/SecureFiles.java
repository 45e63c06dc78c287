package dev.bulwark.agent.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only the machine's administrator may read or change: written atomically (temporary file in the
 * same directory, fsync, rename, fsync of the directory) so a crash leaves the old or the new content and
 * never half of either, created 0600, and never written over a file that belongs to another user
 * (a root-owned configuration must not be replaced by an unprivileged process that can write the folder).
 */
public final class SecureFiles {
    public static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private SecureFiles() {
    }

    /** Writes {@code content} to {@code target} atomically; {@code durable} adds the fsyncs. */
    public static void writeAtomically(Path target, byte[] content, boolean durable) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        createPrivateDirectories(dir);
        Path temp = createPrivateFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            refuseIfOwnedByAnother(file, temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (durable) {
                    channel.force(true);
                }
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (durable) {
                fsyncDirectory(dir);
            }
        } finally {
            Files.deleteIfExists(temp);
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

    private static Path createPrivateFile(Path dir, String prefix, String suffix) throws IOException {
        if (!isPosix(dir)) {
            return Files.createTempFile(dir, prefix, suffix);
        }
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE);
        Path temp = Files.createTempFile(dir, prefix, suffix, mode);
        Files.setPosixFilePermissions(temp, OWNER_READ_WRITE); // whatever the umask said
        return temp;
    }

    /** {@code ours} is a file this process just created, so its owner is this process's user. */
    private static void refuseIfOwnedByAnother(Path file, Path ours) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object self = Files.getAttribute(ours, "unix:uid", LinkOption.NOFOLLOW_LINKS);
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
