package dev.bulwark.cloud.service;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bulwark.cloud.config.CatalogConfig;
import dev.bulwark.cloud.repository.CatalogStore;
import dev.bulwark.cloud.repository.row.CatalogVersionRow;
import dev.bulwark.cloud.repository.row.PackageVersionRow;
import dev.bulwark.cloud.signing.CatalogSigningKey;
import dev.bulwark.cloud.storage.PackageStorage;
import dev.bulwark.cloud.storage.StorageObjects;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.CatalogSigner;
import dev.bulwark.model.catalog.Sha256;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Issues catalog versions: every version lists every published package, is signed with the catalog key,
 * recorded (the version number is a primary key: never two contents under one version) and then served
 * from storage as {@code catalog/catalog.json}, byte for byte as signed. Every method runs under the catalog
 * lock ({@link CatalogStore#underCatalogLock}), which is what keeps version numbers uncontended and the
 * served file the newest one.
 */
@ApplicationScoped
public class CatalogIssuer {
    private static final Logger LOG = Logger.getLogger(CatalogIssuer.class);
    private static final TypeReference<List<Catalog.FileEntry>> FILES = new TypeReference<>() {
    };

    @Inject
    CatalogStore store;
    @Inject
    CatalogSigningKey signingKey;
    @Inject
    PackageStorage storage;
    @Inject
    CatalogConfig config;
    @Inject
    MeterRegistry metrics;

    /** In the caller's transaction: signs and records catalog {@code version} listing every package in the session's view. */
    public CatalogVersionRow issue(CatalogStore.Session session, long version, Instant now) {
        List<Catalog.PackageEntry> entries = session.packages().stream().map(CatalogIssuer::entry).toList();
        Instant expires = now.plus(config.validity());
        byte[] content = CatalogSigner.encode(signingKey.sign(Catalog.unsigned(version, now, expires, entries)));
        CatalogVersionRow row = new CatalogVersionRow(version, now, expires, signingKey.keyId(), entries.size(), Sha256.hex(content), content);
        session.insertCatalog(row);
        metrics.counter("bulwark.catalog.issued").increment();
        return row;
    }

    /**
     * Issues a new version with the same packages when none exists yet or less than half of the validity
     * remains, so a running cloud never lets its catalog lapse; then makes sure storage serves the newest.
     *
     * @return the version issued, if one was
     */
    public Optional<CatalogVersionRow> renewIfDue(Instant now) {
        return store.underCatalogLock(session -> {
            Optional<CatalogVersionRow> latest = session.latestCatalog();
            Optional<CatalogVersionRow> issued = Optional.empty();
            if (latest.isEmpty() || isDue(latest.get(), now)) {
                long next = latest.map(c -> c.version() + 1).orElse(1L);
                issued = Optional.of(session.inTransaction(() -> issue(session, next, now)));
                LOG.infof("Issued catalog version %d (%d packages, expires %s)", next, issued.get().packageCount(),
                        issued.get().expires());
            }
            serve(session, issued.or(() -> latest));
            return issued;
        });
    }

    /** Under the lock, after the commit: storage serves the newest catalog (also repairs a crash between the two). */
    public void serveLatest(CatalogStore.Session session) {
        serve(session, session.latestCatalog());
    }

    boolean isDue(CatalogVersionRow catalog, Instant now) {
        return now.plus(config.validity().dividedBy(2)).isAfter(catalog.expires());
    }

    /** Writes the catalog file unless storage has it already, then records it as served (operations may name it). */
    private void serve(CatalogStore.Session session, Optional<CatalogVersionRow> catalog) {
        if (catalog.isEmpty()) {
            return;
        }
        byte[] content = catalog.get().content();
        try {
            Optional<PackageStorage.StoredObject> served = storage.find(StorageObjects.CATALOG);
            if (served.isEmpty() || served.get().length() != content.length
                    || !Arrays.equals(Files.readAllBytes(served.get().file()), content)) {
                storage.store(StorageObjects.CATALOG, content);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write catalog version " + catalog.get().version() + " to storage", e);
        }
        session.markServed(catalog.get().version(), Timestamps.now());
    }

    private static Catalog.PackageEntry entry(PackageVersionRow row) {
        try {
            return new Catalog.PackageEntry(row.publisher(), row.type(), row.version(),
                    new Catalog.Digest(row.length(), row.sha256()), Json.MAPPER.readValue(row.files(), FILES));
        } catch (IOException e) {
            throw new IllegalStateException("the file listing of " + row.publisher() + "/" + row.type() + " "
                    + row.version() + " is unreadable", e);
        }
    }
}
