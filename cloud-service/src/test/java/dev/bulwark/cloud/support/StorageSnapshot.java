package dev.bulwark.cloud.support;

import dev.bulwark.model.catalog.Sha256;
import io.vertx.mutiny.sqlclient.Pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a publish can leave behind: the files in package storage, the published versions, the
 * catalog versions. A refused upload must leave all of it as it was.
 */
public record StorageSnapshot(List<String> files, long packageVersions, long catalogVersions) {

    public static StorageSnapshot take(Path storageDir, Pool pool) {
        try (var walk = Files.walk(storageDir)) {
            List<String> files = walk.filter(Files::isRegularFile)
                    .map(file -> storageDir.relativize(file) + " " + sha256(file)).sorted().toList();
            return new StorageSnapshot(files, Database.count(pool, "SELECT count(*) FROM package_version"),
                    Database.count(pool, "SELECT count(*) FROM catalog_version"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) {
        try {
            return Sha256.ofFile(file).sha256();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
