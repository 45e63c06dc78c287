package dev.bulwark.agent.pkg;

import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.bulwark.agent.files.FileLocks;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.VerifiedCatalog;
import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static dev.bulwark.model.catalog.VerificationFailure.CatalogHistoryUnreadable;
import static dev.bulwark.model.catalog.VerificationFailure.CatalogRollback;
import static dev.bulwark.model.catalog.VerificationFailure.CatalogVersionConflict;

/**
 * The highest catalog version one machine accepted, with the digest of its signed content, so an older
 * catalog (rollback) or a different catalog under the same version (a compromised signer's fork) is
 * refused. Kept in {@code HOME/catalog/history.json} (0600, written atomically under a file lock), or in
 * memory for simulated machines. Deleting the file resets rollback protection: only the local
 * administrator can.
 */
public final class CatalogHistory {
    public static final String FILE = "catalog/history.json";
    public static final int SCHEMA_VERSION = 1;

    /** What the machine accepted last: the highest version so far. */
    public record Accepted(int schemaVersion, long catalogVersion, String contentSha256, Instant acceptedAt) {
    }

    private final Path file;
    private final boolean durable;
    private Accepted inMemory;

    private CatalogHistory(Path file, boolean durable) {
        this.file = file;
        this.durable = durable;
    }

    public static CatalogHistory inHome(Path home) {
        return inHome(home, true);
    }

    /** {@code durable} false skips the fsyncs, for throw-away simulated fleets. */
    public static CatalogHistory inHome(Path home, boolean durable) {
        return new CatalogHistory(home.resolve(FILE), durable);
    }

    public static CatalogHistory inMemory() {
        return new CatalogHistory(null, false);
    }

    public synchronized Optional<Accepted> highest() throws VerificationException {
        return Optional.ofNullable(file == null ? inMemory : read());
    }

    /**
     * Accepts {@code catalog} if it is newer than, or identical to, the highest accepted so far, and records it.
     *
     * @throws VerificationException {@code CatalogRollback} if older, {@code CatalogVersionConflict} if the
     *                               same version with other content
     */
    public synchronized void accept(VerifiedCatalog catalog, Instant now) throws VerificationException {
        if (file == null) {
            if (check(inMemory, catalog)) {
                inMemory = record(catalog, now);
            }
            return;
        }
        try {
            FileLocks.withLock(file.resolveSibling("history.lock"), () -> {
                try {
                    if (check(read(), catalog)) {
                        PrivateFiles.write(file, Json.encode(record(catalog, now)), durable);
                    }
                    return null;
                } catch (VerificationException e) {
                    throw new Refused(e);
                }
            });
        } catch (Refused e) {
            throw e.refusal;
        } catch (IOException | UncheckedIOException e) {
            throw new VerificationException(CatalogHistoryUnreadable, "cannot record the accepted catalog version in "
                    + file + ": " + e.getMessage(), e);
        }
    }

    /** True if {@code catalog} is newer than {@code highest} (to be recorded); throws if it must be refused. */
    private static boolean check(Accepted highest, VerifiedCatalog catalog) throws VerificationException {
        if (highest == null || catalog.version() > highest.catalogVersion()) {
            return true;
        }
        if (catalog.version() < highest.catalogVersion()) {
            throw new VerificationException(CatalogRollback, "catalog version " + catalog.version()
                    + " is older than version " + highest.catalogVersion() + ", accepted on " + highest.acceptedAt());
        }
        if (!catalog.contentSha256().equals(highest.contentSha256())) {
            throw new VerificationException(CatalogVersionConflict, "catalog version " + catalog.version()
                    + " differs from the version " + highest.catalogVersion() + " accepted on " + highest.acceptedAt()
                    + " (content " + TrustedKeys.shortId(catalog.contentSha256()) + ", accepted "
                    + TrustedKeys.shortId(highest.contentSha256()) + "): a signer published two catalogs under one version");
        }
        return false;
    }

    private static Accepted record(VerifiedCatalog catalog, Instant now) {
        return new Accepted(SCHEMA_VERSION, catalog.version(), catalog.contentSha256(), now);
    }

    private Accepted read() throws VerificationException {
        byte[] bytes;
        try {
            bytes = PrivateFiles.readIfExists(file);
        } catch (IOException e) {
            throw new VerificationException(CatalogHistoryUnreadable, "cannot read " + file + ": " + e.getMessage(), e);
        }
        if (bytes == null) {
            return null;
        }
        try {
            Accepted accepted = Json.MAPPER.readerFor(Accepted.class)
                    .with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                    .with(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                    .readValue(bytes);
            if (accepted.schemaVersion() != SCHEMA_VERSION || accepted.catalogVersion() < 1) {
                throw new IOException("unsupported content");
            }
            return accepted;
        } catch (IOException e) {
            throw new VerificationException(CatalogHistoryUnreadable, file + " is damaged (" + e.getMessage().lines().findFirst().orElse("")
                    + "); refusing every catalog until an administrator checks it (deleting it resets rollback protection)");
        }
    }

    /** Carries a refusal out of the file-lock callback, which may only throw IOException. */
    private static final class Refused extends IOException {
        final VerificationException refusal;

        Refused(VerificationException refusal) {
            super(refusal.getMessage(), null);
            this.refusal = refusal;
        }
    }
}
