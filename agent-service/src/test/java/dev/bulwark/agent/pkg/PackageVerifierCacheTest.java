package dev.bulwark.agent.pkg;

import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.catalog.ArchiveLimits;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.VerificationFailure;
import dev.bulwark.model.catalog.VerifiedCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.bulwark.agent.pkg.TestPackages.NOW;
import static dev.bulwark.agent.pkg.TestPackages.PUBLISHER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One JVM hosting many machines: each package is verified once, each machine's catalog rules every time. */
class PackageVerifierCacheTest {
    private static final ExtensionId EXTENSION = new ExtensionId(TestPackages.PUBLISHER, TestPackages.TYPE);
    private static final TrustedKeys TRUSTED = TrustedKeys.of(PUBLISHER_KEY.getPublic());

    @TempDir
    Path tmp;

    @Test
    void aHundredMachinesVerifyOnePackageOnce() throws Exception {
        PackageVerifier verifier = verifier(Clock.fixed(NOW, ZoneOffset.UTC));
        Path zip = TestPackages.benign(tmp, "1.2.0");
        byte[] catalog = TestPackages.catalog(5, PUBLISHER_KEY, TestPackages.listing(zip));
        DownloadedPackage downloaded = DownloadedPackage.of(zip);

        List<Path> dirs = new ArrayList<>();
        for (int machine = 0; machine < 100; machine++) {
            dirs.add(install(verifier, catalog, CatalogHistory.inMemory(), downloaded).directory());
        }

        assertThat(verifier.extractions()).isEqualTo(1);
        assertThat(dirs).containsOnly(dirs.get(0));
        assertThat(dirs.get(0).resolve("scripts/install.sh")).exists();
    }

    @Test
    void concurrentMachinesShareOneExtraction() throws Exception {
        PackageVerifier verifier = verifier(Clock.fixed(NOW, ZoneOffset.UTC));
        Path zip = TestPackages.benign(tmp, "1.2.0");
        byte[] catalog = TestPackages.catalog(5, PUBLISHER_KEY, TestPackages.listing(zip));
        DownloadedPackage downloaded = DownloadedPackage.of(zip);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<PackageVerifier.VerifiedPackage>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> install(verifier, catalog, CatalogHistory.inMemory(), downloaded)));
            }
            for (Future<PackageVerifier.VerifiedPackage> result : results) {
                assertThat(result.get().manifest().installCommand()).isEqualTo("scripts/install.sh");
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(verifier.extractions()).isEqualTo(1);
    }

    @Test
    void aCachedPackageStillObeysEachMachinesCatalogRules() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        PackageVerifier verifier = verifier(clock);
        Path zip = TestPackages.benign(tmp, "1.2.0");
        DownloadedPackage downloaded = DownloadedPackage.of(zip);
        byte[] v5 = TestPackages.catalog(5, PUBLISHER_KEY, TestPackages.listing(zip));
        byte[] v4 = TestPackages.catalog(4, PUBLISHER_KEY, TestPackages.listing(zip));
        CatalogHistory sawFive = CatalogHistory.inMemory();
        install(verifier, v5, sawFive, downloaded);

        // The package is cached, but this machine accepted version 5 already: version 4 is a rollback for it...
        assertRefused(() -> install(verifier, v4, sawFive, downloaded), VerificationFailure.CatalogRollback);
        // ...while a fresh machine may take version 4,
        install(verifier, v4, CatalogHistory.inMemory(), downloaded);
        // a machine that trusts another key refuses it,
        assertRefused(() -> verifier.checkCatalog(v5, TrustedKeys.of(TestPackages.UNKNOWN_KEY.getPublic()),
                CatalogHistory.inMemory(), 0), VerificationFailure.CatalogKeyUntrusted);
        // and once the clock passes the expiry every machine refuses the catalog.
        clock.now = NOW.plus(Duration.ofDays(31));
        assertRefused(() -> install(verifier, v5, CatalogHistory.inMemory(), downloaded), VerificationFailure.CatalogExpired);
        assertThat(verifier.extractions()).isEqualTo(1);
    }

    @Test
    void aRefusedPackageIsRefusedForEveryMachineFromTheCache() throws Exception {
        PackageVerifier verifier = verifier(Clock.fixed(NOW, ZoneOffset.UTC));
        Path zip = tmp.resolve("evil.zip");
        Files.write(zip, TestPackages.zip(TestPackages.plus(TestPackages.benignEntries("1.2.0"),
                TestPackages.Entry.script("../evil.sh"))));
        byte[] catalog = TestPackages.catalog(5, PUBLISHER_KEY, TestPackages.listing(zip));
        DownloadedPackage downloaded = DownloadedPackage.of(zip);

        for (int machine = 0; machine < 10; machine++) {
            assertRefused(() -> install(verifier, catalog, CatalogHistory.inMemory(), downloaded), VerificationFailure.UnsafeArchiveEntry);
        }

        assertThat(verifier.extractions()).isEqualTo(1);
        try (var left = Files.list(tmp.resolve("cache"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aDeletedSharedCopyIsVerifiedAgain() throws Exception {
        PackageVerifier verifier = verifier(Clock.fixed(NOW, ZoneOffset.UTC));
        Path zip = TestPackages.benign(tmp, "1.2.0");
        byte[] catalog = TestPackages.catalog(5, PUBLISHER_KEY, TestPackages.listing(zip));
        DownloadedPackage downloaded = DownloadedPackage.of(zip);
        Path first = install(verifier, catalog, CatalogHistory.inMemory(), downloaded).directory();
        SafeExtractor.deleteTree(first);

        Path second = install(verifier, catalog, CatalogHistory.inMemory(), downloaded).directory();

        assertThat(second.resolve("HandlerManifest.json")).exists();
        assertThat(verifier.extractions()).isEqualTo(2);
    }

    @Test
    void theVerifyCallFindsTheEntryByZipHashWhenNoIdentityIsGiven() throws Exception {
        PackageVerifier verifier = verifier(Clock.fixed(NOW, ZoneOffset.UTC));
        Path zip = TestPackages.benign(tmp, "1.2.0");
        byte[] catalog = TestPackages.catalog(5, PUBLISHER_KEY, TestPackages.listing(zip));

        PackageVerifier.VerifiedPackage verified = verifier.verify(new PackageVerifier.Request(catalog, TRUSTED,
                CatalogHistory.inMemory(), 0, null, null, DownloadedPackage.of(zip)));

        assertThat(verified.entry().version()).isEqualTo("1.2.0");
    }

    private PackageVerifier verifier(Clock clock) {
        return new PackageVerifier(tmp.resolve("cache"), ArchiveLimits.DEFAULTS, clock);
    }

    private static PackageVerifier.VerifiedPackage install(PackageVerifier verifier, byte[] catalogBytes, CatalogHistory history,
                                                          DownloadedPackage zip) throws VerificationException {
        VerifiedCatalog catalog = verifier.checkCatalog(catalogBytes, TRUSTED, history, 0);
        Catalog.PackageEntry entry = catalog.require(EXTENSION, "1.2.0");
        return verifier.checkPackage(entry, zip);
    }

    private static void assertRefused(PackageDownloaderTest.CheckedCall call, VerificationFailure reason) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(VerificationException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
