package dev.bulwark.agent.pkg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.VerificationException;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Catalog downloads shared by every machine of one agent process: one request at a time per URL, and a
 * catalog fetched a moment ago is handed to the next machine instead of being fetched again, so a
 * fleet-wide install on 100,000 simulated machines costs a handful of catalog downloads, not 100,000.
 * Sharing bytes is safe because each machine still checks them itself (signature by its own trusted keys,
 * expiry, its own rollback history). A catalog older than an operation requires is fetched again once.
 * Bytes are shared only among machines that fetch them the same way (same downloader: same route, same
 * pinned CA), so a machine never uses bytes that came over a connection it would not have trusted.
 */
final class CatalogFetcher {
    /** Short: the cloud re-signs catalogs long before they expire, so reuse never hands out a stale one. */
    private static final long REUSE_NANOS = Duration.ofSeconds(15).toNanos();

    private record Fetched(byte[] bytes, long version, long fetchedAtNanos) {
    }

    /** A catalog URL as fetched by one downloader. */
    private record Source(Object route, URI url) {
    }

    private final Map<Source, CompletableFuture<Fetched>> catalogs = new ConcurrentHashMap<>();
    private final Executor pool;

    CatalogFetcher(Executor pool) {
        this.pool = pool;
    }

    /** The catalog at {@code url}, fetched through {@code downloader}; fails with a {@link VerificationException}. */
    CompletableFuture<byte[]> fetch(PackageDownloader downloader, URI url, long minimumVersion) {
        Source key = new Source(downloader.route(), downloader.effectiveUrl(url));
        CompletableFuture<Fetched> mine = new CompletableFuture<>();
        CompletableFuture<Fetched> chosen = catalogs.compute(key, (k, known) -> reusable(known, minimumVersion) ? known : mine);
        if (chosen == mine) {
            start(downloader, url, key, mine);
        }
        return chosen.thenCompose(fetched -> fetched.version() >= minimumVersion || chosen == mine
                ? CompletableFuture.completedFuture(fetched.bytes())
                : again(downloader, url, key, chosen));
    }

    /** A download that started before the operation was issued may have brought an older catalog: fetch once more. */
    private CompletableFuture<byte[]> again(PackageDownloader downloader, URI url, Source key, CompletableFuture<Fetched> stale) {
        CompletableFuture<Fetched> mine = new CompletableFuture<>();
        CompletableFuture<Fetched> chosen = catalogs.compute(key, (k, known) -> known == null || known == stale ? mine : known);
        if (chosen == mine) {
            start(downloader, url, key, mine);
        }
        return chosen.thenApply(Fetched::bytes);
    }

    private static boolean reusable(CompletableFuture<Fetched> known, long minimumVersion) {
        if (known == null) {
            return false;
        }
        if (!known.isDone()) {
            return true; // join the download in flight
        }
        if (known.isCompletedExceptionally()) {
            return false;
        }
        Fetched fetched = known.join();
        return System.nanoTime() - fetched.fetchedAtNanos() < REUSE_NANOS && fetched.version() >= minimumVersion;
    }

    private void start(PackageDownloader downloader, URI url, Source key, CompletableFuture<Fetched> mine) {
        Runnable download = () -> {
            try {
                byte[] bytes = downloader.downloadCatalog(url);
                mine.complete(new Fetched(bytes, version(bytes), System.nanoTime()));
            } catch (VerificationException | RuntimeException e) {
                mine.completeExceptionally(e);
            } finally {
                if (mine.isCompletedExceptionally()) {
                    catalogs.remove(key, mine); // failures are not reused: the next machine tries again
                }
            }
        };
        try {
            pool.execute(download);
        } catch (RejectedExecutionException e) {
            catalogs.remove(key, mine);
            mine.completeExceptionally(e);
        }
    }

    /** The version the bytes claim, only to decide reuse; the verifier reads them properly. */
    private static long version(byte[] bytes) {
        try {
            JsonNode version = Json.MAPPER.readTree(bytes).get("catalogVersion");
            return version != null && version.canConvertToLong() ? version.longValue() : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
