package dev.bulwark.agent.pkg;

import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.VerificationFailure;
import dev.bulwark.model.catalog.VerifiedCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogHistoryTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @TempDir
    Path home;

    @Test
    void theHighestVersionSurvivesRestartsAndOlderOnesAreRefused() throws Exception {
        CatalogHistory.inHome(home).accept(catalog(7, "a"), NOW);
        CatalogHistory afterRestart = CatalogHistory.inHome(home);

        assertThat(afterRestart.highest()).hasValueSatisfying(a -> assertThat(a.catalogVersion()).isEqualTo(7));
        assertRefused(() -> afterRestart.accept(catalog(6, "b"), NOW), VerificationFailure.CatalogRollback);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(CatalogHistory.FILE))))
                .isEqualTo("rw-------");
    }

    @Test
    void theSameVersionIsAcceptedOnlyWithTheSameContent() throws Exception {
        CatalogHistory history = CatalogHistory.inHome(home);
        history.accept(catalog(7, "a"), NOW);
        history.accept(catalog(7, "a"), NOW.plusSeconds(60));

        assertRefused(() -> history.accept(catalog(7, "b"), NOW), VerificationFailure.CatalogVersionConflict);
        history.accept(catalog(8, "b"), NOW);
        assertThat(history.highest()).hasValueSatisfying(a -> assertThat(a.catalogVersion()).isEqualTo(8));
    }

    @Test
    void aDamagedHistoryFailsClosed() throws Exception {
        Files.createDirectories(home.resolve("catalog"));
        Files.writeString(home.resolve(CatalogHistory.FILE), "{\"catalogVersion\": ");

        assertRefused(() -> CatalogHistory.inHome(home).accept(catalog(9, "a"), NOW), VerificationFailure.CatalogHistoryUnreadable);
    }

    @Test
    void inMemoryHistoriesFollowTheSameRules() throws Exception {
        CatalogHistory history = CatalogHistory.inMemory();
        history.accept(catalog(3, "a"), NOW);

        assertRefused(() -> history.accept(catalog(2, "a"), NOW), VerificationFailure.CatalogRollback);
        assertRefused(() -> history.accept(catalog(3, "c"), NOW), VerificationFailure.CatalogVersionConflict);
    }

    private static VerifiedCatalog catalog(long version, String content) {
        Catalog catalog = Catalog.unsigned(version, NOW, NOW.plusSeconds(3600), List.of());
        return new VerifiedCatalog(catalog, dev.bulwark.model.catalog.Sha256.hex(content.getBytes()), "key");
    }

    private static void assertRefused(PackageDownloaderTest.CheckedCall call, VerificationFailure reason) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(VerificationException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }
}
