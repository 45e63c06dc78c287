package dev.bulwark.agent.pkg;

import dev.bulwark.model.catalog.Sha256;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.VerificationFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Downloads against a misbehaving server: too many bytes, stalls, trickles, errors, retries. */
class PackageDownloaderTest {
    private static final byte[] BODY = new byte[300_000];

    static {
        new Random(1).nextBytes(BODY);
    }

    @TempDir
    Path tmp;

    private PackageServer server;

    @BeforeEach
    void start() throws Exception {
        server = new PackageServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void downloadsAndHashesWhileWriting() throws Exception {
        DownloadedPackage pkg = downloader(10).download(server.serve("/p.zip", BODY), BODY.length, target());

        assertThat(pkg.digest().length()).isEqualTo(BODY.length);
        assertThat(pkg.digest().sha256()).isEqualTo(Sha256.hex(BODY));
        assertThat(Files.readAllBytes(pkg.file())).isEqualTo(BODY);
    }

    @Test
    void aBodyAnnouncedLargerThanTheCatalogLengthIsRefusedWithoutReadingIt() {
        URI url = server.serve("/p.zip", BODY);

        assertFails(() -> downloader(10).download(url, BODY.length - 1, target()), VerificationFailure.DownloadTooLarge);
        assertThat(server.requests("/p.zip")).as("not retried").isEqualTo(1);
        assertThat(target()).doesNotExist();
    }

    @Test
    void aChunkedBodyIsCutOffAtTheFirstByteTooMany() {
        URI url = server.on("/p.zip", (exchange, attempt) -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 10_000; i++) {
                    out.write(BODY, 0, 64 * 1024);
                }
            }
        });

        assertFails(() -> downloader(10).download(url, BODY.length, target()), VerificationFailure.DownloadTooLarge);
        assertThat(server.requests("/p.zip")).isEqualTo(1);
        assertThat(target()).doesNotExist();
    }

    @Test
    void aStalledBodyTimesOutAndIsRetried() {
        URI url = server.on("/p.zip", (exchange, attempt) -> {
            exchange.sendResponseHeaders(200, BODY.length);
            OutputStream out = exchange.getResponseBody();
            out.write(BODY, 0, 1000);
            out.flush();
            server.released.await(30, TimeUnit.SECONDS);
        });
        long started = System.nanoTime();

        VerificationException e = assertFails(() -> downloader(3).download(url, BODY.length, target()), VerificationFailure.DownloadFailed);

        assertThat(e.getMessage()).contains("failed 3 times").contains("stalled");
        assertThat(server.requests("/p.zip")).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(target()).doesNotExist();
    }

    @Test
    void aStalledResponseBeforeAnyHeaderTimesOutToo() {
        URI url = server.on("/p.zip", (exchange, attempt) -> server.released.await(30, TimeUnit.SECONDS));

        assertFails(() -> downloader(2).download(url, BODY.length, target()), VerificationFailure.DownloadFailed);
        assertThat(server.requests("/p.zip")).isEqualTo(2);
    }

    @Test
    void aTrickleThatNeverStallsStillEndsAtTheAttemptTimeout() {
        URI url = server.on("/p.zip", (exchange, attempt) -> {
            exchange.sendResponseHeaders(200, BODY.length);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < BODY.length && server.released.getCount() > 0; i++) {
                out.write(BODY[i]);
                out.flush();
                Thread.sleep(20);
            }
        });
        PackageDownloader slowAllowed = new PackageDownloader(HttpClient.newHttpClient(), new PackageDownloader.Settings(
                Duration.ofMillis(200), Duration.ofMillis(600), 2, Duration.ofMillis(1), Duration.ofMillis(1), null));

        VerificationException e = assertFails(() -> slowAllowed.download(url, BODY.length, target()), VerificationFailure.DownloadFailed);

        assertThat(e.getMessage()).contains("not finished within 600 ms");
    }

    @Test
    void failuresAreRetriedUntilTheServerRecovers() throws Exception {
        URI url = server.on("/p.zip", (exchange, attempt) -> PackageServer.send(exchange, attempt <= 3 ? 503 : 200,
                attempt <= 3 ? new byte[0] : BODY));

        DownloadedPackage pkg = downloader(10).download(url, BODY.length, target());

        assertThat(pkg.digest().sha256()).isEqualTo(Sha256.hex(BODY));
        assertThat(server.requests("/p.zip")).isEqualTo(4);
    }

    @Test
    void aDownloadFailingTenTimesFails() {
        URI url = server.on("/p.zip", (exchange, attempt) -> PackageServer.send(exchange, 500, new byte[0]));

        VerificationException e = assertFails(() -> downloader(10).download(url, BODY.length, target()), VerificationFailure.DownloadFailed);

        assertThat(e.getMessage()).contains("failed 10 times").contains("HTTP 500");
        assertThat(server.requests("/p.zip")).isEqualTo(10);
        assertThat(target()).doesNotExist();
    }

    @Test
    void aTruncatedTransferIsRetried() throws Exception {
        URI url = server.on("/p.zip", (exchange, attempt) -> {
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BODY, 0, attempt == 1 ? 1000 : BODY.length);
            }
        });

        DownloadedPackage pkg = downloader(10).download(url, BODY.length, target());

        assertThat(pkg.digest().length()).isEqualTo(BODY.length);
        assertThat(server.requests("/p.zip")).isEqualTo(2);
    }

    @Test
    void anUnreachableServerFailsAfterTheRetries() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertFails(() -> downloader(3).download(URI.create("http://127.0.0.1:" + closedPort + "/p.zip"), 10, target()),
                VerificationFailure.DownloadFailed);
    }

    @Test
    void privateEndpointModeProxiesThroughTheCloudAndMessagesHideTheAccessToken() throws Exception {
        URI proxied = server.serve("/proxy/storage.example/packages/p.zip", BODY);
        URI base = server.url("/proxy");
        PackageDownloader viaProxy = new PackageDownloader(HttpClient.newHttpClient(),
                AgentInstallHarness.fastDownloads().withPrivateEndpoint(base));
        URI storage = URI.create("https://storage.example/packages/p.zip?sv=2024&sig=SECRET");

        assertThat(viaProxy.effectiveUrl(storage).toString()).isEqualTo(base + "/storage.example/packages/p.zip?sv=2024&sig=SECRET");
        assertThat(viaProxy.download(storage, BODY.length, target()).digest().length()).isEqualTo(BODY.length);
        assertThat(server.requestUris()).contains("/proxy/storage.example/packages/p.zip?sv=2024&sig=SECRET");
        assertThat(proxied.getPath()).isEqualTo("/proxy/storage.example/packages/p.zip");

        URI missing = URI.create("https://storage.example/packages/missing.zip?sv=2024&sig=SECRET");
        VerificationException e = assertFails(() -> viaProxy.download(missing, 10, target()), VerificationFailure.DownloadFailed);
        assertThat(e.getMessage()).contains("missing.zip").doesNotContain("SECRET");
    }

    @Test
    void catalogsAreDownloadedToo() throws Exception {
        byte[] catalog = "{\"catalogVersion\": 1}".getBytes();

        assertThat(downloader(10).downloadCatalog(server.serve("/catalog.json", catalog))).isEqualTo(catalog);
    }

    private PackageDownloader downloader(int attempts) {
        return new PackageDownloader(HttpClient.newHttpClient(), new PackageDownloader.Settings(Duration.ofMillis(300),
                Duration.ofSeconds(5), attempts, Duration.ofMillis(1), Duration.ofMillis(5), null));
    }

    private Path target() {
        return tmp.resolve("download.zip");
    }

    private static VerificationException assertFails(CheckedCall call, VerificationFailure reason) {
        try {
            call.run();
        } catch (VerificationException e) {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            return e;
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
        throw new AssertionError("expected " + reason);
    }

    interface CheckedCall {
        void run() throws Exception;
    }
}
