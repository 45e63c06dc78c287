package dev.bulwark.cloud.storage;

import dev.bulwark.cloud.config.StorageConfig;
import io.quarkus.runtime.configuration.MemorySize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Replicas share one storage folder (deploy/kubernetes/cloud-service.yaml): a starting one leaves the others' uploads alone. */
class FileSystemPackageStorageTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aStartingReplicaRemovesOnlyUploadsAbandonedForADay() throws Exception {
        FileSystemPackageStorage first = new FileSystemPackageStorage(config(dir), Clock.fixed(NOW, ZoneOffset.UTC));
        Path receiving = first.createTempFile();
        Files.writeString(receiving, "part of a package another replica is still receiving");
        Files.setLastModifiedTime(receiving, FileTime.from(NOW.minus(Duration.ofMinutes(20))));
        Path abandoned = first.createTempFile();
        Files.setLastModifiedTime(abandoned, FileTime.from(NOW.minus(FileSystemPackageStorage.ABANDONED_AFTER).minusSeconds(1)));

        new FileSystemPackageStorage(config(dir), Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(abandoned).doesNotExist();
        assertThat(receiving).exists();
        first.store("packages/Contoso.Monitoring/Agent/1.0.zip", receiving);
        assertThat(first.find("packages/Contoso.Monitoring/Agent/1.0.zip")).isPresent();
    }

    private static StorageConfig config(Path dir) {
        return new StorageConfig() {
            @Override
            public Path dir() {
                return dir;
            }

            @Override
            public String host() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return 0;
            }

            @Override
            public Optional<URI> publicUrl() {
                return Optional.empty();
            }

            @Override
            public Optional<String> tlsConfigurationName() {
                return Optional.empty();
            }

            @Override
            public MemorySize maxPackageSize() {
                return new MemorySize(java.math.BigInteger.valueOf(1024 * 1024));
            }
        };
    }
}
