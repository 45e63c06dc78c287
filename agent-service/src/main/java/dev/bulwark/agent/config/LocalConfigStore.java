package dev.bulwark.agent.config;

import dev.bulwark.agent.files.FileLocks;
import dev.bulwark.agent.files.FileSignature;
import dev.bulwark.agent.files.SecureFiles;
import dev.bulwark.model.policy.LocalRules;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code <home>/localconfig.json}, the rules only a local administrator sets. The CLI changes it under a
 * lock with an atomic write; the agent reads it at every decision. Decisions re-read the file only when
 * its {@link FileSignature} changed, so a change made a moment ago by the CLI applies to the next
 * operation while 100,000 simulated machines do not re-parse 100,000 files per operation.
 */
public final class LocalConfigStore {
    public static final String FILE_NAME = "localconfig.json";
    private static final String LOCK_NAME = ".localconfig.lock";

    private final Path file;
    private volatile CachedRules cached;

    private record CachedRules(FileSignature signature, LocalRules rules) {
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
            return LocalConfig.parse(SecureFiles.readIfExists(file));
        } catch (IOException e) {
            return LocalConfig.unreadable("the file cannot be read: " + e.getMessage());
        }
    }

    /** The rules in force now: cached while the file's signature stays the same. */
    public LocalRules rules() {
        FileSignature now = FileSignature.of(file);
        CachedRules known = cached;
        if (known != null && known.signature().sameAs(now)) {
            return known.rules();
        }
        if (!now.exists()) {
            cached = new CachedRules(now, LocalRules.DEFAULT);
            return LocalRules.DEFAULT;
        }
        LocalRules rules = read().rules();
        // The signature was taken before reading, so a change racing with this read shows up as a new
        // signature next time. A file changed within the clock's granularity is not cached at all.
        cached = now.settled() ? new CachedRules(now, rules) : null;
        return rules;
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
                SecureFiles.writeAtomically(file, next.toBytes(), true);
                cached = null;
                return next;
            });
        } catch (Refused refused) {
            throw refused.refusal;
        }
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
