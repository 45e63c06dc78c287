package dev.bulwark.agent.pkg;

import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.CatalogVerifier;
import dev.bulwark.model.catalog.Sha256;
import dev.bulwark.model.catalog.VerificationException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static dev.bulwark.model.catalog.VerificationFailure.DownloadFailed;
import static dev.bulwark.model.catalog.VerificationFailure.DownloadTooLarge;

/**
 * Downloads catalogs and packages over HTTP(S). The catalog's length is a hard limit: the transfer stops as
 * soon as one byte more arrives (or the server announces more), and that is never retried. Every other
 * failure (connection errors, HTTP errors, a body that stalls for {@code idleTimeout}, an attempt longer
 * than {@code attemptTimeout}) is retried with exponential backoff, up to {@code maxAttempts} attempts in
 * all (Arc: a download failing 10 times fails the request). Length and SHA-256 are computed while writing.
 * URLs in messages lose their query string, which may hold a storage access token.
 */
public final class PackageDownloader {

    /**
     * @param privateEndpoint when set, every download goes through this base URL instead (private-endpoint
     *                        mode: {@code https://storage.example/c/p.zip?sas} becomes
     *                        {@code <privateEndpoint>/storage.example/c/p.zip?sas})
     */
    public record Settings(Duration idleTimeout, Duration attemptTimeout, int maxAttempts, Duration firstBackoff,
                           Duration maxBackoff, URI privateEndpoint) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(60), Duration.ofMinutes(30), 10, Duration.ofSeconds(1),
                    Duration.ofSeconds(30), null);
        }

        public Settings withPrivateEndpoint(URI base) {
            return new Settings(idleTimeout, attemptTimeout, maxAttempts, firstBackoff, maxBackoff, base);
        }
    }

    private final HttpClient client;
    private final Settings settings;
    private final Supplier<String> authorization;
    private final PackageDownloader route;

    public PackageDownloader(HttpClient client, Settings settings) {
        this(client, settings, () -> null, null);
    }

    private PackageDownloader(HttpClient client, Settings settings, Supplier<String> authorization, PackageDownloader route) {
        if (settings.maxAttempts() < 1) {
            throw new IllegalArgumentException("maxAttempts must be 1 or more");
        }
        this.client = client;
        this.settings = settings;
        this.authorization = authorization;
        this.route = route == null ? this : route;
    }

    /**
     * What downloads through this downloader share whoever signs them (client, trust, private endpoint): the key
     * under which machines share one download of a catalog.
     */
    public Object route() {
        return route;
    }

    /**
     * The same downloader, each request of which carries {@code authorization} (the {@code Authorization} header of
     * the machine it downloads for; asked for only when a request is actually sent, since most are cache hits).
     */
    public PackageDownloader authorizedBy(Supplier<String> authorization) {
        return new PackageDownloader(client, settings, authorization, route);
    }

    public static PackageDownloader withDefaults() {
        return new PackageDownloader(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL).build(), Settings.defaults());
    }

    /**
     * Downloads the ZIP the catalog lists with {@code expectedLength} bytes into {@code target} (replaced).
     * A shorter complete body is returned as is: its length is the verifier's to judge.
     */
    public DownloadedPackage download(URI url, long expectedLength, Path target) throws VerificationException {
        return new DownloadedPackage(target, fetch(url, expectedLength, target));
    }

    /** Downloads a signed catalog (at most {@link CatalogVerifier#MAX_CATALOG_BYTES}). */
    public byte[] downloadCatalog(URI url) throws VerificationException {
        Path temp = null;
        try {
            temp = Files.createTempFile("bulwark-catalog", ".json");
            fetch(url, CatalogVerifier.MAX_CATALOG_BYTES, temp);
            return Files.readAllBytes(temp);
        } catch (IOException e) {
            throw new VerificationException(DownloadFailed, "cannot store the catalog from " + redact(url) + ": " + e.getMessage());
        } finally {
            deleteQuietly(temp);
        }
    }

    /** Where a URL is actually fetched from: itself, or through the private endpoint. */
    public URI effectiveUrl(URI url) {
        URI base = settings.privateEndpoint();
        if (base == null) {
            return url;
        }
        String prefix = base.toString().endsWith("/") ? base.toString() : base + "/";
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        return URI.create(prefix + url.getHost() + (path.startsWith("/") ? path : "/" + path)
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    }

    private Catalog.Digest fetch(URI url, long limit, Path target) throws VerificationException {
        URI from = effectiveUrl(url);
        String failure = "no attempt made";
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            try {
                return attempt(from, limit, target);
            } catch (RetryableException e) {
                failure = e.getMessage();
            } catch (VerificationException e) {
                deleteQuietly(target);
                throw e;
            }
            if (attempt < settings.maxAttempts()) {
                try {
                    Thread.sleep(backoff(attempt).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    deleteQuietly(target);
                    throw new VerificationException(DownloadFailed, "interrupted while downloading " + redact(from));
                }
            }
        }
        deleteQuietly(target);
        throw new VerificationException(DownloadFailed, "downloading " + redact(from) + " failed "
                + settings.maxAttempts() + " times; last error: " + failure);
    }

    private Duration backoff(int attempt) {
        long millis = settings.firstBackoff().toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, settings.maxBackoff().toMillis()));
    }

    private Catalog.Digest attempt(URI url, long limit, Path target) throws VerificationException, RetryableException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(settings.idleTimeout()).GET();
        String header = authorization.get();
        if (header != null) {
            builder.header("Authorization", header);
        }
        HttpRequest request = builder.build();
        AtomicReference<FileSubscriber> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<Catalog.Digest>> response = client.sendAsync(request, info -> {
            if (info.statusCode() != 200) {
                return HttpResponse.BodySubscribers.<Catalog.Digest>replacing(null);
            }
            FileSubscriber subscriber = new FileSubscriber(target, limit,
                    info.headers().firstValueAsLong("Content-Length").orElse(-1));
            body.set(subscriber);
            return subscriber;
        });
        long started = System.nanoTime();
        long poll = Math.max(10, Math.min(250, settings.idleTimeout().toMillis() / 4));
        while (true) {
            try {
                HttpResponse<Catalog.Digest> done = response.get(poll, TimeUnit.MILLISECONDS);
                if (done.statusCode() == 401 || done.statusCode() == 403) {
                    // Not retried: the same key would be refused again.
                    throw new VerificationException(DownloadFailed, "storage refused this machine's signed request to "
                            + redact(url) + " (HTTP " + done.statusCode() + ")");
                }
                if (done.statusCode() != 200) {
                    throw new RetryableException("HTTP " + done.statusCode());
                }
                return done.body();
            } catch (TimeoutException stillRunning) {
                FileSubscriber subscriber = body.get();
                long now = System.nanoTime();
                long quietSince = subscriber == null ? started : Math.max(started, subscriber.lastProgress);
                if (now - quietSince > settings.idleTimeout().toNanos()) {
                    abort(response, subscriber);
                    throw new RetryableException("no data for " + settings.idleTimeout().toMillis() + " ms (stalled)");
                }
                if (now - started > settings.attemptTimeout().toNanos()) {
                    abort(response, subscriber);
                    throw new RetryableException("not finished within " + settings.attemptTimeout().toMillis() + " ms");
                }
            } catch (ExecutionException e) {
                for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                    if (cause instanceof TooLargeException tooLarge) {
                        throw new VerificationException(DownloadTooLarge, redact(url) + ": " + tooLarge.getMessage()
                                + "; stopped the download");
                    }
                }
                throw new RetryableException(String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort(response, body.get());
                throw new VerificationException(DownloadFailed, "interrupted while downloading " + redact(url));
            }
        }
    }

    private static void abort(CompletableFuture<?> response, FileSubscriber subscriber) {
        if (subscriber != null) {
            subscriber.abort(new IOException("aborted"));
        }
        response.cancel(true);
    }

    static String redact(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: the caller reports the download failure itself
            }
        }
    }

    /** Writes the body to a file as it arrives, refusing any byte beyond the limit before it is written. */
    private static final class FileSubscriber implements HttpResponse.BodySubscriber<Catalog.Digest> {
        private final Path target;
        private final long limit;
        private final long declaredLength;
        private final CompletableFuture<Catalog.Digest> result = new CompletableFuture<>();
        private final MessageDigest sha = Sha256.newDigest();
        private Flow.Subscription subscription;
        private FileChannel channel;
        private long written;
        private boolean aborted;
        volatile long lastProgress = System.nanoTime();

        FileSubscriber(Path target, long limit, long declaredLength) {
            this.target = target;
            this.limit = limit;
            this.declaredLength = declaredLength;
        }

        @Override
        public synchronized void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declaredLength > limit) {
                abort(new TooLargeException("the server announced " + declaredLength + " bytes, the catalog allows " + limit));
                return;
            }
            try {
                // Never through a link: the agent runs as root and must not be steered into overwriting a file.
                channel = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                abort(e);
                return;
            }
            s.request(1);
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> buffers) {
            if (aborted) {
                return;
            }
            try {
                for (ByteBuffer buffer : buffers) {
                    if (written + buffer.remaining() > limit) {
                        abort(new TooLargeException("the server sent more than the " + limit + " bytes the catalog allows"));
                        return;
                    }
                    written += buffer.remaining();
                    sha.update(buffer.duplicate());
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
            } catch (IOException e) {
                abort(e);
                return;
            }
            lastProgress = System.nanoTime();
            subscription.request(1);
        }

        @Override
        public synchronized void onError(Throwable error) {
            abort(error);
        }

        @Override
        public synchronized void onComplete() {
            if (aborted) {
                return;
            }
            try {
                channel.close();
                result.complete(new Catalog.Digest(written, Sha256.hex(sha)));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }

        @Override
        public CompletionStage<Catalog.Digest> getBody() {
            return result;
        }

        synchronized void abort(Throwable why) {
            if (aborted) {
                return;
            }
            aborted = true;
            if (subscription != null) {
                subscription.cancel();
            }
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // the download has failed already
            }
            result.completeExceptionally(why);
        }
    }

    private static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }

    private static final class RetryableException extends Exception {
        RetryableException(String message) {
            super(message, null, false, false);
        }
    }
}
