package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.CatalogStore;
import dev.bulwark.cloud.repository.row.PackageVersionRow;
import dev.bulwark.cloud.storage.PackageStorage;
import dev.bulwark.cloud.storage.StorageObjects;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.PackageIdentity;
import dev.bulwark.model.catalog.VerificationException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Publishes a package version: intake ({@link PackageIntake}), then under the catalog lock and in one
 * transaction the ZIP is stored, the version recorded and a new catalog version issued that lists it; after
 * the commit storage serves that catalog. Either all of it happens or none: a failure after the ZIP was
 * stored deletes it again, still under the lock.
 *
 * <p>Versions are immutable: the same bytes again are accepted as a no-op (a retried upload), other bytes
 * are refused with 409, because catalogs already issued and the machines that trust them keep the hashes.
 */
@ApplicationScoped
public class PackagePublisher {
    private static final Logger LOG = Logger.getLogger(PackagePublisher.class);

    @Inject
    PackageIntake intake;
    @Inject
    CatalogStore store;
    @Inject
    CatalogIssuer catalogs;
    @Inject
    PackageStorage storage;
    @Inject
    MeterRegistry metrics;

    /** {@code created}: false when the same bytes were published before. */
    public record Published(PublishedPackage published, boolean created) {
    }

    /** Blocking: call on a worker thread. */
    public Published publish(PackageVersionAddress address, InputStream body) {
        PackageIdentity identity = identity(address);
        try (PackageIntake.Received received = intake.receive(body, identity)) {
            Published published = store.underCatalogLock(session -> record(session, received));
            if (published.created()) {
                metrics.counter("bulwark.packages.published").increment();
                LOG.infof("Published %s (sha256 %s, %d bytes) in catalog version %d", identity,
                        published.published().sha256(), published.published().length(), published.published().catalogVersion());
            }
            return published;
        }
    }

    private Published record(CatalogStore.Session session, PackageIntake.Received received) {
        var entry = received.entry();
        String object = StorageObjects.packageObject(entry.publisher(), entry.type(), entry.version());
        boolean[] stored = {false};
        Published published;
        try {
            published = session.inTransaction(() -> {
                var existing = session.findPackage(entry.publisher(), entry.type(), entry.version());
                if (existing.isPresent()) {
                    return republished(existing.get(), received);
                }
                store(object, received);
                stored[0] = true;
                long version = session.latestCatalogVersion() + 1;
                Instant now = Timestamps.now();
                PackageVersionRow row = new PackageVersionRow(entry.publisher(), entry.type(), entry.version(), entry.zip().sha256(),
                        entry.zip().length(), Json.encodeToString(entry.sortedFiles()), object, now, version);
                session.insertPackage(row);
                catalogs.issue(session, version, now);
                return new Published(PublishedPackage.of(row), true);
            });
        } catch (RuntimeException e) {
            // Not committed: no row names the stored ZIP, and nobody else can store it while we hold the lock.
            if (stored[0]) {
                deleteQuietly(object);
            }
            throw e;
        }
        catalogs.serveLatest(session);
        return published;
    }

    /** The same version again: a no-op for the same bytes (repairing a lost stored copy), refused for others. */
    private Published republished(PackageVersionRow existing, PackageIntake.Received received) {
        if (!existing.sha256().equals(received.entry().zip().sha256())) {
            throw new ApiException(ArmErrorCode.ExtensionVersionConflict, existing.publisher() + "/" + existing.type() + " "
                    + existing.version() + " is already published with other content (sha256 " + existing.sha256()
                    + ", this upload " + received.entry().zip().sha256() + "). Published versions never change: publish"
                    + " a new version.", "version");
        }
        if (storage.find(existing.storageObject()).isEmpty()) {
            store(existing.storageObject(), received);
        }
        return new Published(PublishedPackage.of(existing), false);
    }

    private void store(String object, PackageIntake.Received received) {
        try {
            storage.store(object, received.zip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store " + object, e);
        }
    }

    private void deleteQuietly(String object) {
        try {
            storage.delete(object);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("Could not delete %s after a failed publish: %s", object, e.toString());
        }
    }

    private static PackageIdentity identity(PackageVersionAddress address) {
        try {
            return PackageIdentity.of(address.publisher(), address.type(), address.version());
        } catch (VerificationException e) {
            // PackageVersionAddress checked the same rule: unreachable unless the two drift apart.
            throw new IllegalStateException(e);
        }
    }
}
