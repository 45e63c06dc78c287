package dev.bulwark.agent.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Objects;

/**
 * What a {@code stat} says about a file: enough to tell that it changed without reading it. Every atomic
 * write makes a new inode, so the file key changes with the content; modification time and size catch
 * the rest. Because file-system clocks are coarse (a few milliseconds), a signature taken within
 * {@link #SETTLE_NANOS} of the last change is not trusted to stand for the content ("racily clean", as git says).
 */
public record FileSignature(boolean exists, long modifiedNanos, long size, Object fileKey) {

    public static final FileSignature ABSENT = new FileSignature(false, 0, 0, null);
    static final long SETTLE_NANOS = 100_000_000L;

    public static FileSignature of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            long modified = attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            return new FileSignature(true, modified, attributes.size(), attributes.fileKey());
        } catch (NoSuchFileException e) {
            return ABSENT;
        } catch (IOException e) {
            // Unreadable metadata: a signature that never matches, so the caller re-reads and reports the error.
            return new FileSignature(true, -1, -1, new Object());
        }
    }

    /** True when the file last changed long enough ago that an equal signature means equal content. */
    public boolean settled() {
        if (!exists) {
            return true;
        }
        long nowNanos = Instant.now().toEpochMilli() * 1_000_000L;
        return nowNanos - modifiedNanos > SETTLE_NANOS;
    }

    /**
     * When the file last changed, to the millisecond (what clients of the cloud's API can represent; file
     * systems stamp coarser than that anyway); null when it does not exist or its metadata is unreadable.
     */
    public Instant changedAt() {
        return exists && modifiedNanos >= 0 ? Instant.ofEpochMilli(Math.floorDiv(modifiedNanos, 1_000_000L)) : null;
    }

    public boolean sameAs(FileSignature other) {
        return other != null && exists == other.exists && modifiedNanos == other.modifiedNanos && size == other.size
                && Objects.equals(fileKey, other.fileKey);
    }
}
