package dev.bulwark.agent.files;

import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.NoSuchFileException;
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

    private static FileChannel open(Path lockFile) throws IOException {
        try {
            return openExisting(lockFile);
        } catch (NoSuchFileException noDirectoryYet) {
            // Created on first use only, not checked on every lock (every operation takes one).
            PrivateFiles.createPrivateDirectories(lockFile.getParent());
            return openExisting(lockFile);
        }
    }

    private static FileChannel openExisting(Path lockFile) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return lockFile.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? FileChannel.open(lockFile, options, PosixFilePermissions.asFileAttribute(PrivateFiles.OWNER_READ_WRITE))
                : FileChannel.open(lockFile, options);
    }

    public static <T> T withLock(Path lockFile, IoAction<T> action) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS[Math.floorMod(key.hashCode(), IN_PROCESS.length)];
        local.lock();
        try {
            try (FileChannel channel = open(key);
                 FileLock ignored = channel.lock()) {
                return action.run();
            }
        } finally {
            local.unlock();
        }
    }
}
