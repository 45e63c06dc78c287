package dev.bulwark.agent.pkg;

import java.time.Instant;
import dev.bulwark.model.auth.MachineTokens;
import dev.bulwark.agent.identity.IdentityStore;
import dev.bulwark.agent.extension.GateResult;
import dev.bulwark.agent.extension.PackageGate;
import dev.bulwark.agent.extension.PackageRequest;
import dev.bulwark.agent.tls.CloudHttp;
import dev.bulwark.agent.tls.PinnedCa;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.ExtensionSpec;
import dev.bulwark.model.catalog.ArchiveLimits;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.VerifiedCatalog;
import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.bulwark.model.catalog.VerificationFailure.DownloadFailed;
import static dev.bulwark.model.catalog.VerificationFailure.ExtractionFailed;
import static dev.bulwark.model.catalog.VerificationFailure.PackageReferenceMissing;

/**
 * The agent's {@link PackageGate}: for an install or upgrade, the catalog the operation names is downloaded
 * and checked against the machine's own trusted keys and history, the catalog's entry for exactly this
 * publisher/type/version decides what ZIP may be downloaded, and the ZIP is checked and extracted before
 * any handler sees it ({@link PackageVerifier}). An operation without a package or catalog reference is
 * refused ({@code PackageReferenceMissing}).
 *
 * <p>Downloads and checks run on this gate's own small pool, never on the caller's thread, so a slow or
 * stalled download holds up only the machines waiting for that package. One instance serves the whole
 * process: catalogs and packages are fetched once for all machines ({@link CatalogFetcher},
 * {@link PackageFetcher}), each ZIP is extracted once into {@code HOME/packages/verified/}, and machines
 * read that folder unless their handler needs a copy of its own ({@link PackageRequest#ownCopy()}, then
 * {@code MACHINE_HOME/extensions/<Publisher.Type>-<version>/}).
 *
 * <p>Downloads trust what the machine pinned at connect ({@link PinnedCa}: its CA alone, else the JVM's
 * default trust store), and a machine connected over https downloads over https only: a plain-http catalog,
 * package or private-endpoint URL is refused before anything is fetched.
 */
public final class VerifyingPackageGate implements PackageGate, AutoCloseable {
    public static final String VERIFIED_DIR = "packages/verified";
    public static final String DOWNLOADS_DIR = "packages/downloads";
    public static final String EXTENSIONS_DIR = "extensions";

    /**
     * @param durable  fsync each machine's catalog history (off for throw-away simulated fleets)
     * @param threads  downloads and checks in parallel; more only help with many different packages at once
     */
    public record Options(PrivateEndpoint privateEndpoint, boolean durable, PackageDownloader.Settings download,
                          int threads, Clock clock) {
        public Options {
            privateEndpoint = privateEndpoint == null ? PrivateEndpoint.OFF : privateEndpoint;
            download = download == null ? PackageDownloader.Settings.defaults() : download;
            threads = threads <= 0 ? 8 : threads;
            clock = clock == null ? Clock.systemUTC() : clock;
        }

        public static Options defaults() {
            return new Options(PrivateEndpoint.OFF, true, null, 0, null);
        }

        public Options withPrivateEndpoint(PrivateEndpoint value) {
            return new Options(value, durable, download, threads, clock);
        }

        public Options withDurable(boolean value) {
            return new Options(privateEndpoint, value, download, threads, clock);
        }

        public Options withDownload(PackageDownloader.Settings value) {
            return new Options(privateEndpoint, durable, value, threads, clock);
        }
    }

    private final Options options;
    private final PackageVerifier verifier;
    private final ExecutorService pool;
    /** One client per TLS trust: by pinned CA file content, "" for the JVM's default trust store. */
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    private final Map<DownloaderKey, PackageDownloader> downloaders = new ConcurrentHashMap<>();
    private final CatalogFetcher catalogs;
    private final PackageFetcher packages;

    private VerifyingPackageGate(Path cacheRoot, Path downloads, Options options) {
        this.options = options;
        this.verifier = new PackageVerifier(cacheRoot, ArchiveLimits.DEFAULTS, options.clock());
        this.pool = Executors.newFixedThreadPool(options.threads(), daemonThreads());
        this.catalogs = new CatalogFetcher(pool);
        this.packages = new PackageFetcher(verifier, downloads, pool);
    }

    /** The gate of an agent process whose home is {@code agentHome} (its cache and downloads live there). */
    public static VerifyingPackageGate inHome(Path agentHome, Options options) {
        Path downloads = agentHome.resolve(DOWNLOADS_DIR);
        try {
            PrivateFiles.createPrivateDirectories(agentHome.resolve(VERIFIED_DIR));
            PrivateFiles.createPrivateDirectories(downloads);
            emptyFolder(downloads); // what a previous process left half-downloaded
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + agentHome.resolve("packages") + ": " + e.getMessage(), e);
        }
        return new VerifyingPackageGate(agentHome.resolve(VERIFIED_DIR), downloads, options);
    }

    public PackageVerifier verifier() {
        return verifier;
    }

    public PrivateEndpoint privateEndpoint() {
        return options.privateEndpoint();
    }

    @Override
    public CompletableFuture<GateResult> verify(PackageRequest request) {
        ExtensionOperation operation = request.operation();
        String missing = missingReference(operation);
        if (missing != null) {
            return CompletableFuture.completedFuture(GateResult.failed(PackageReferenceMissing.name(), missing));
        }
        PackageDownloader downloader;
        try {
            downloader = downloaderFor(request);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.completedFuture(GateResult.failed(DownloadFailed.name(), e.getMessage()));
        }
        URI packageUrl = URI.create(operation.packageRef().url().trim());
        String plain = plainHttpDownload(request, downloader, packageUrl, URI.create(operation.catalog().url().trim()));
        if (plain != null) {
            return CompletableFuture.completedFuture(GateResult.failed(DownloadFailed.name(), plain));
        }
        return catalogs.fetch(downloader, URI.create(operation.catalog().url().trim()), operation.catalog().version())
                .thenApplyAsync(bytes -> listing(request, bytes), pool)
                .thenCompose(listed -> packages.obtain(listed.entry(), packageUrl, downloader)
                        .thenApplyAsync(verified -> place(request, listed, verified), pool))
                .exceptionally(VerifyingPackageGate::refusal);
    }

    /** The catalog entry for exactly this extension and version, from a catalog this machine accepts. */
    private Listed listing(PackageRequest request, byte[] catalogBytes) {
        ExtensionSpec extension = request.operation().extension();
        try {
            VerifiedCatalog catalog = verifier.checkCatalog(catalogBytes, new TrustStore(request.machineHome()).keys(),
                    CatalogHistory.inHome(request.machineHome(), options.durable()), request.operation().catalog().version());
            return new Listed(catalog, catalog.require(extension.id(), extension.version().trim()));
        } catch (VerificationException e) {
            throw new CompletionException(e);
        }
    }

    private record Listed(VerifiedCatalog catalog, Catalog.PackageEntry entry) {
    }

    /** The shared folder, or the machine's own copy when its handler writes into it. */
    private static GateResult place(PackageRequest request, Listed listed, PackageVerifier.VerifiedPackage verified) {
        Path dir = verified.directory();
        if (request.ownCopy()) {
            Catalog.PackageEntry entry = listed.entry();
            dir = request.machineHome().resolve(EXTENSIONS_DIR).resolve(entry.extension().dotted() + "-" + entry.version());
            try {
                SafeExtractor.deleteTree(dir); // a reinstall of the same version starts from the verified files
                SafeExtractor.copyVerified(verified.directory(), dir);
            } catch (IOException | UncheckedIOException e) {
                throw new CompletionException(new VerificationException(ExtractionFailed, "cannot copy the verified "
                        + entry.label() + " into " + dir + ": " + e.getMessage(), e));
            }
        }
        return GateResult.verified(dir, verified.manifest(), listed.entry(), listed.entry().label() + " is listed in catalog version "
                + listed.catalog().version() + " (signed by key " + TrustedKeys.shortId(listed.catalog().keyId())
                + ") and its ZIP and files match");
    }

    private static GateResult refusal(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof VerificationException refused) {
            return GateResult.failed(refused.reason().name(), refused.getMessage());
        }
        // Fail closed on anything unexpected: the operation fails, nothing of the package runs.
        return GateResult.failed(ExtractionFailed.name(), "package verification stopped: " + cause);
    }

    /** Why the operation cannot be verified at all, or null when it names a package, a catalog and a version. */
    static String missingReference(ExtensionOperation operation) {
        String verb = operation.kind().name().toLowerCase(Locale.ROOT);
        if (operation.packageRef() == null || blank(operation.packageRef().url())) {
            return "the " + verb + " operation names no package (package.url); packages are required, so nothing was"
                    + " downloaded";
        }
        if (operation.catalog() == null || blank(operation.catalog().url())) {
            return "the " + verb + " operation names no signed catalog (catalog.url) to verify its package against;"
                    + " nothing was downloaded";
        }
        if (blank(operation.extension().version())) {
            return "the " + verb + " operation names no extension version, so no catalog entry can vouch for a package";
        }
        String badPackage = httpProblem("package.url", operation.packageRef().url());
        return badPackage != null ? badPackage : httpProblem("catalog.url", operation.catalog().url());
    }

    private static String httpProblem(String field, String url) {
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return null;
            }
        } catch (URISyntaxException ignored) {
            // reported below
        }
        return field + " is not an http(s) URL with a host; nothing was downloaded";
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    /**
     * A machine connected over https fetches over https only, so that nobody on the path can read or withhold
     * what it installs, and a URL in an operation cannot downgrade it; null when the fetch may go ahead.
     */
    static String plainHttpDownload(PackageRequest request, PackageDownloader downloader, URI packageUrl, URI catalogUrl) {
        if (request.cloudUrl() == null || !request.cloudUrl().toLowerCase(Locale.ROOT).startsWith("https:")) {
            return null; // connected with --allow-plain-http: a development setup
        }
        for (URI url : List.of(downloader.effectiveUrl(catalogUrl), downloader.effectiveUrl(packageUrl))) {
            if (!"https".equalsIgnoreCase(url.getScheme())) {
                return PackageDownloader.redact(url) + " is plain http, and this machine is connected to its cloud over"
                        + " https: it downloads over https only, so nothing was downloaded";
            }
        }
        return null;
    }

    /** Downloads through the machine's route (direct or private endpoint) and with its TLS trust. */
    private record DownloaderKey(String base, String pinnedCa) {
    }

    private PackageDownloader downloaderFor(PackageRequest request) throws IOException {
        URI base = options.privateEndpoint().baseFor(request.cloudUrl());
        byte[] pem = PinnedCa.readPem(request.machineHome());
        String pinned = pem == null ? "" : new String(pem, StandardCharsets.US_ASCII);
        PackageDownloader.Settings settings = base == null ? options.download() : options.download().withPrivateEndpoint(base);
        return downloaders.computeIfAbsent(new DownloaderKey(base == null ? "" : base.toString(), pinned),
                key -> new PackageDownloader(clientFor(pem, key.pinnedCa()), settings)).authorizedBy(() -> machineToken(request));
    }

    /**
     * Storage serves registered machines only: each download is signed by the machine it is for (the first of
     * the machines that asked, when several wait for the same package), with a short-lived token.
     */
    private static String machineToken(PackageRequest request) {
        try {
            return MachineTokens.header(MachineTokens.mint(request.machineId(), new IdentityStore(request.machineHome()).signingKey(),
                    MachineTokens.STORAGE, null, Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the machine's key to sign a download: " + e.getMessage(), e);
        }
    }

    /** Not on the pool: its threads wait for downloads, and the client needs threads of its own to deliver them. */
    private HttpClient clientFor(byte[] pem, String key) {
        return clients.computeIfAbsent(key, k -> CloudHttp.builder(pem == null ? null : PinnedCa.fromPem(pem), Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL).build());
    }

    /** Stops downloads in flight (they fail, and their operations with them). */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    private static void emptyFolder(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                SafeExtractor.deleteTree(file);
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "bulwark-agent-download-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
