package dev.bulwark.agent.pkg;

import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.Sha256;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A package ZIP on local disk with the length and SHA-256 of its bytes, computed while it was downloaded
 * ({@link PackageDownloader}) or read once ({@link #of}).
 */
public record DownloadedPackage(Path file, Catalog.Digest digest) {

    /** Hashes a ZIP that is already on disk (for example {@code package verify --package ZIP}). */
    public static DownloadedPackage of(Path file) throws IOException {
        return new DownloadedPackage(file, Sha256.ofFile(file));
    }
}
