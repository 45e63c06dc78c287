package dev.bulwark.agent.config;

import dev.bulwark.agent.files.FileLocks;
import dev.bulwark.agent.files.FileSignature;
import dev.bulwark.model.files.PrivateFiles;
import dev.bulwark.model.policy.LocalRules;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code <home>/localconfig.json}, the rules only a local administrator sets. The CLI changes it under a
 * lock with an atomic write; the agent reads it at every decision. Decisions re-read the file only when
 * its {@link FileSignature} changed, so a change made a moment ago by the CLI applies to the next
 * operation while 100,000 simulated machines do not re-parse 100,000 files per operation. The file's
 * modification time is the configuration's {@code changedAt}, reported to the cloud with every report and
 * every result decided under it.
 */
public final class LocalConfigStore {
    public static final String FILE_NAME = "localconfig.json";
    private static final String LOCK_NAME = ".localconfig.lock";

    /** Attempts to read the file between two equal signatures before settling for the last reading. */
    private static final int CONSISTENT_READ_ATTEMPTS = 3;

    private final Path file;
    private volatile CachedRules cached;

    private record CachedRules(FileSignature signature, InForce inForce) {
    }

    /**
     * One reading of the file and the signature it was read under: {@link #changedAt()} is the time of
     * exactly this content (the file did not change between the two {@code stat}s around the read).
     */
    public record Snapshot(LocalConfig config, FileSignature signature) {
        /** When the configuration last changed (null: the file was never written). */
        public Instant changedAt() {
            return signature.changedAt();
        }
    }

    /** The rules in force and when the configuration they come from last changed (null: never written). */
    public record InForce(LocalRules rules, Instant changedAt) {
    }

    /** Something that turns the current configuration into the next one, or refuses. */
    public interface Change {
        LocalConfig apply(LocalConfig current) throws ConfigException;
    }

    public LocalConfigStore(Path home) {
        this.file = home.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    public FileSignature signature() {
        return FileSignature.of(file);
    }

    /** Reads and parses the file now. An unreadable file is a configuration with a problem, never an exception. */
    public LocalConfig read() {
        try {
            return LocalConfig.parse(PrivateFiles.readIfExists(file));
        } catch (IOException e) {
            return LocalConfig.unreadable("the file cannot be read: " + e.getMessage());
        }
    }

    /** Reads the file now, with the signature (and so the change time) of what was read. */
    public Snapshot snapshot() {
        return snapshot(FileSignature.of(file));
    }

    private Snapshot snapshot(FileSignature before) {
        for (int attempt = 1; ; attempt++) {
            LocalConfig config = read();
            FileSignature after = FileSignature.of(file);
            // A CLI write racing with the read shows up as a new signature: read again, so the change time
            // reported never belongs to other content than the rules that decided.
            if (after.sameAs(before) || attempt == CONSISTENT_READ_ATTEMPTS) {
                return new Snapshot(config, after);
            }
            before = after;
        }
    }

    /** The rules in force now: cached while the file's signature stays the same. */
    public LocalRules rules() {
        return inForce().rules();
    }

    /**
     * The rules in force now and the change time of the configuration they come from, at the cost of one
     * {@code stat} while the file is unchanged (the file is read again only when its signature changed).
     */
    public InForce inForce() {
        FileSignature now = FileSignature.of(file);
        CachedRules known = cached;
        if (known != null && known.signature().sameAs(now)) {
            return known.inForce();
        }
        if (!now.exists()) {
            InForce defaults = new InForce(LocalRules.DEFAULT, null);
            cached = new CachedRules(now, defaults);
            return defaults;
        }
        Snapshot snapshot = snapshot(now);
        InForce inForce = new InForce(snapshot.config().rules(), snapshot.changedAt());
        // A file changed within the clock's granularity is not cached at all: an equal signature might
        // still hide a second change.
        cached = snapshot.signature().settled() ? new CachedRules(snapshot.signature(), inForce) : null;
        return inForce;
    }

    /** Applies {@code change} under the file lock and writes the result atomically (0600); nothing is written on refusal. */
    public LocalConfig update(Change change) throws ConfigException, IOException {
        // Refuse before taking the lock, so a refused change does not even create the lock file.
        change.apply(read());
        try {
            return FileLocks.withLock(file.resolveSibling(LOCK_NAME), () -> {
                LocalConfig next;
                try {
                    next = change.apply(read());
                } catch (ConfigException e) {
                    throw new Refused(e);
                }
                PrivateFiles.write(file, next.toBytes(), true);
                cached = null;
                return next;
            });
        } catch (Refused refused) {
            throw refused.refusal;
        }
    }

    /**
     * Writes {@code config} as the whole configuration, as a local administrator's tooling would provision a
     * new machine. {@code durable} false skips the fsyncs: for throw-away simulated fleets, where 100,000 of
     * them cost minutes.
     */
    public void replace(LocalConfig config, boolean durable) throws IOException {
        FileLocks.withLock(file.resolveSibling(LOCK_NAME), () -> {
            PrivateFiles.write(file, config.toBytes(), durable);
            cached = null;
            return config;
        });
    }

    /** Carries a refusal out of the locked section (which may only throw I/O errors). */
    private static final class Refused extends IOException {
        final ConfigException refusal;

        Refused(ConfigException refusal) {
            super(refusal.getMessage());
            this.refusal = refusal;
        }
    }
}
