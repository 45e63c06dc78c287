package dev.bulwark.agent.pkg;

import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.VerificationException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import static dev.bulwark.model.catalog.VerificationFailure.DownloadFailed;

/**
 * Package downloads shared by every machine of one agent process. A catalog entry names its ZIP by length
 * and SHA-256, so the ZIP is content-addressed: once this process verified it ({@link PackageVerifier#cached}),
 * another machine whose own catalog lists the same entry gets the verified folder without a download; and
 * while one download is in flight, other machines wait for it instead of starting their own. The ZIP itself
 * is deleted once checked: the verified folder is what is kept.
 */
final class PackageFetcher {
    private final PackageVerifier verifier;
    private final Path downloads;
    private final Executor pool;
    private final Map<String, CompletableFuture<PackageVerifier.VerifiedPackage>> inFlight = new ConcurrentHashMap<>();

    PackageFetcher(PackageVerifier verifier, Path downloads, Executor pool) {
        this.verifier = verifier;
        this.downloads = downloads;
        this.pool = pool;
    }

    /** The verified package for {@code entry}; fails with a {@link VerificationException}. */
    CompletableFuture<PackageVerifier.VerifiedPackage> obtain(Catalog.PackageEntry entry, URI url, PackageDownloader downloader) {
        Optional<PackageVerifier.VerifiedPackage> cached = verifier.cached(entry);
        if (cached.isPresent()) {
            return CompletableFuture.completedFuture(cached.get());
        }
        String key = entry.zip().sha256() + "/" + entry.listingSha256();
        CompletableFuture<PackageVerifier.VerifiedPackage> mine = new CompletableFuture<>();
        CompletableFuture<PackageVerifier.VerifiedPackage> chosen = inFlight.putIfAbsent(key, mine);
        if (chosen == null) {
            chosen = mine;
            try {
                pool.execute(() -> downloadAndCheck(entry, url, downloader, key, mine));
            } catch (RejectedExecutionException e) {
                inFlight.remove(key, mine);
                mine.completeExceptionally(e);
            }
        }
        return chosen.thenApply(p -> new PackageVerifier.VerifiedPackage(p.directory(), p.manifest(), entry));
    }

    private void downloadAndCheck(Catalog.PackageEntry entry, URI url, PackageDownloader downloader, String key,
                                  CompletableFuture<PackageVerifier.VerifiedPackage> mine) {
        Path file = downloads.resolve(entry.zip().sha256() + "-" + UUID.randomUUID() + ".zip");
        try {
            Files.createDirectories(downloads);
            DownloadedPackage zip = downloader.download(url, entry.zip().length(), file);
            mine.complete(verifier.checkPackage(entry, zip));
        } catch (VerificationException e) {
            mine.completeExceptionally(e);
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(new VerificationException(DownloadFailed, "cannot download " + entry.label()
                    + " from " + PackageDownloader.redact(url) + ": " + e, e));
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the downloads folder is emptied when the agent starts
            }
            inFlight.remove(key, mine);
        }
    }
}
