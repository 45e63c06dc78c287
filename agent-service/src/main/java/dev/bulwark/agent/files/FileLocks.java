package dev.bulwark.agent.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises read-modify-write of one file, across processes (an OS lock on a side file) and across
 * threads of this JVM (the OS lock is per process, and Java refuses a second lock on the same file from
 * the same JVM). Two {@code config set} commands at once therefore both land, one after the other.
 */
public final class FileLocks {
    /** Striped so that 100,000 simulated machines do not cost 100,000 lock objects. */
    private static final ReentrantLock[] IN_PROCESS = new ReentrantLock[256];

    static {
        for (int i = 0; i < IN_PROCESS.length; i++) {
            IN_PROCESS[i] = new ReentrantLock();
        }
    }

    private FileLocks() {
    }

    public interface IoAction<T> {
        T run() throws IOException;
    }

    public static <T> T withLock(Path lockFile, IoAction<T> action) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS[Math.floorMod(key.hashCode(), IN_PROCESS.length)];
        local.lock();
        try {
            SecureFiles.createPrivateDirectories(key.getParent());
            Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try (FileChannel channel = key.getFileSystem().supportedFileAttributeViews().contains("posix")
                    ? FileChannel.open(key, options, PosixFilePermissions.asFileAttribute(SecureFiles.OWNER_READ_WRITE))
                    : FileChannel.open(key, options);
                 FileLock ignored = channel.lock()) {
                return action.run();
            }
        } finally {
            local.unlock();
        }
    }
}
