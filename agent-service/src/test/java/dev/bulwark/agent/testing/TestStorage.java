package dev.bulwark.agent.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.bulwark.infra.LocalPki;
import dev.bulwark.model.CatalogRef;
import dev.bulwark.model.PackageRef;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.CatalogSigner;
import dev.bulwark.model.catalog.PackageBuilder;
import dev.bulwark.model.catalog.PackageIdentity;
import dev.bulwark.model.catalog.PackageInspector;
import dev.bulwark.model.crypto.Ed25519;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cloud's package storage, as small as a test needs (the JDK's HTTP server): packages are built like
 * {@code publisher pack} builds them the first time an operation names them, and listed in a catalog signed
 * with this storage's catalog key; each new package publishes a catalog one version higher. Tests can
 * tamper with a stored ZIP or serve a catalog signed by another key. Counts requests per path.
 */
public final class TestStorage implements AutoCloseable {
    public static final String CATALOG_PATH = "/storage/catalog/catalog.json";

    private final KeyPair catalogKeys = Ed25519.generate();
    private final HttpServer server;
    private final Path work;
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final List<Catalog.PackageEntry> entries = new ArrayList<>();
    private long catalogVersion;

    public TestStorage() throws IOException {
        this(TestTls.local());
    }

    /** Storage serving https with a certificate of {@code tls}, as the cloud's storage endpoint does. */
    public TestStorage(LocalPki tls) throws IOException {
        work = Files.createTempDirectory("bulwark-test-storage");
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls.serverSslContext()));
        server = https;
        server.createContext("/storage/", this::serve);
        server.start();
    }

    public KeyPair catalogKeys() {
        return catalogKeys;
    }

    public URI url(String path) {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The package of publisher/type/version, built and listed in a new catalog version on first use. */
    public synchronized PackageRef publish(String publisher, String type, String version, boolean ownService) {
        return publish(publisher, type, version, () -> build(publisher, type, version, ownService));
    }

    /**
     * The test handler (src/test/resources/test-handler: a real handler process that does what its settings
     * ask), packed as publisher/type/version and listed in a new catalog version on first use.
     */
    public synchronized PackageRef publishTestHandler(String publisher, String type, String version, boolean ownService) {
        return publish(publisher, type, version, () -> {
            Path source = Files.createDirectories(work.resolve("handler_" + publisher + "_" + type + "_" + version));
            Path bin = Files.createDirectories(source.resolve("bin"));
            Files.copy(Path.of("src/test/resources/test-handler/bin/handler"), bin.resolve("handler"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(bin.resolve("handler"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(source.resolve("HandlerManifest.json"), manifest("bin/handler", ownService));
            return PackageBuilder.pack(source, PackageIdentity.of(publisher, type, version), work.resolve(
                    "handler_" + publisher + "_" + type + "_" + version + ".zip")).zip();
        });
    }

    private interface Build {
        Path zip() throws Exception;
    }

    private PackageRef publish(String publisher, String type, String version, Build build) {
        String path = packagePath(publisher, type, version);
        if (!objects.containsKey(path)) {
            try {
                Path zip = build.zip();
                Catalog.PackageEntry entry = PackageInspector.listUnchecked(zip);
                objects.put(path, Files.readAllBytes(zip));
                entries.add(entry);
                signCatalog();
            } catch (Exception e) {
                throw new IllegalStateException("cannot publish " + publisher + "/" + type + " " + version, e);
            }
        }
        byte[] zip = objects.get(path);
        return new PackageRef(url(path).toString(), entryOf(publisher, type, version).zip().sha256(), zip.length);
    }

    public synchronized CatalogRef catalogRef() {
        return new CatalogRef(url(CATALOG_PATH).toString(), catalogVersion);
    }

    /** From now on the stored ZIP of this package has one byte changed (same length): storage was tampered with. */
    public synchronized void tamper(String publisher, String type, String version) {
        byte[] zip = objects.get(packagePath(publisher, type, version)).clone();
        zip[zip.length / 2] ^= 0x01;
        objects.put(packagePath(publisher, type, version), zip);
    }

    /** The current catalog's listing re-signed by {@code key} at a higher version, served at the returned URL. */
    public synchronized CatalogRef catalogSignedBy(KeyPair key) {
        Catalog catalog = Catalog.unsigned(catalogVersion + 1000, Instant.now().minus(Duration.ofMinutes(1)),
                Instant.now().plus(Duration.ofDays(1)), List.copyOf(entries));
        String path = "/storage/catalog/other-" + Ed25519.encodePublic(key.getPublic()).hashCode() + ".json";
        objects.put(path, CatalogSigner.encode(new CatalogSigner(key).sign(catalog)));
        return new CatalogRef(url(path).toString(), catalogVersion + 1000);
    }

    public int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    /** What storage holds at {@code path} (the cloud's private-endpoint route serves it too), or null. */
    public byte[] object(String path) {
        return objects.get(path);
    }

    public static String packagePath(String publisher, String type, String version) {
        return "/storage/packages/" + publisher + "/" + type + "/" + version + ".zip";
    }

    private Catalog.PackageEntry entryOf(String publisher, String type, String version) {
        return entries.stream().filter(e -> e.publisher().equals(publisher) && e.type().equals(type)
                && e.version().equals(version)).findFirst().orElseThrow();
    }

    private void signCatalog() {
        catalogVersion++;
        Catalog catalog = Catalog.unsigned(catalogVersion, Instant.now().minus(Duration.ofMinutes(1)),
                Instant.now().plus(Duration.ofDays(1)), List.copyOf(entries));
        objects.put(CATALOG_PATH, CatalogSigner.encode(new CatalogSigner(catalogKeys).sign(catalog)));
    }

    private Path build(String publisher, String type, String version, boolean ownService) throws Exception {
        Path source = Files.createDirectories(work.resolve(publisher + "_" + type + "_" + version));
        Files.writeString(source.resolve("HandlerManifest.json"), manifest("bin/handler.sh", ownService));
        Path bin = Files.createDirectories(source.resolve("bin"));
        Files.writeString(bin.resolve("handler.sh"), "#!/bin/sh\necho \"" + type + " " + version + " $1\"\n");
        Files.setPosixFilePermissions(bin.resolve("handler.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        return PackageBuilder.pack(source, PackageIdentity.of(publisher, type, version), work.resolve(
                publisher + "_" + type + "_" + version + ".zip")).zip();
    }

    private static String manifest(String program, boolean ownService) {
        return """
                [{"version": 1.0, "handlerManifest": {
                  "installCommand": "%1$s install", "uninstallCommand": "%1$s uninstall",
                  "updateCommand": "%1$s update", "enableCommand": "%1$s enable",
                  "disableCommand": "%1$s disable", "ownService": %2$s}}]
                """.formatted(program, ownService);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            send(exchange, objects.get(path));
        }
    }

    static void send(HttpExchange exchange, byte[] body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
