package dev.bulwark.cloud;

import java.time.Instant;
import java.time.Duration;
import dev.bulwark.cloud.support.Tokens;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.auth.MachineTokens;
import dev.bulwark.cloud.config.StorageConfig;
import dev.bulwark.cloud.storage.StorageServer;
import dev.bulwark.cloud.support.Http;
import dev.bulwark.cloud.support.Packages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The storage endpoint serves stored objects and nothing else, read-only; the private-endpoint route on
 * the cloud's URL serves the same bytes for this cloud's storage only.
 */
@QuarkusTest
class StorageEndpointTest {
    private static final String PUBLISHER = "Fabrikam.Storage";

    @Inject
    StorageServer storage;
    @Inject
    StorageConfig storageConfig;
    @TestHTTPResource(value = "/", tls = true)
    URL cloud;

    @Test
    void onlyStoredObjectsAreServedReadOnly() {
        String packageUrl = publish();

        HttpResponse<byte[]> head = Http.send(HttpRequest.newBuilder(URI.create(packageUrl)).header("Authorization", Http.machineAuthorization())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        HttpResponse<byte[]> put = Http.send(HttpRequest.newBuilder(URI.create(packageUrl))
                .PUT(HttpRequest.BodyPublishers.ofString("overwrite")).build());
        HttpResponse<byte[]> delete = Http.send(HttpRequest.newBuilder(URI.create(packageUrl)).DELETE().build());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("Content-Length")).isPresent();
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("x-ms-error-code")).contains("UnsupportedHttpVerb");
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(Http.get(packageUrl).body()).isEqualTo(Packages.build(PUBLISHER, typeOf(packageUrl), "1.0"));
        String base = storage.url().toString();
        for (String path : List.of("/", "/packages", "/packages/", "/packages/" + PUBLISHER + "/", "/catalog/",
                "/catalog/catalog.json.bak", "/.incoming/", "/packages/" + PUBLISHER + "/" + typeOf(packageUrl) + "/9.9.zip")) {
            HttpResponse<byte[]> response = Http.get(base + path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("x-ms-error-code")).as(path).contains("BlobNotFound");
        }
        assertThat(Http.get(base + "/catalog/catalog.json").statusCode()).isEqualTo(200);
    }

    @Test
    void storageServesOnlyRequestsSignedByARegisteredMachinesCurrentKey() {
        String packageUrl = publish();
        FakeMachine machine = FakeMachine.registered();
        HttpResponse<byte[]> anonymous = Http.send(HttpRequest.newBuilder(URI.create(packageUrl)).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("x-ms-error-code")).contains("NoAuthenticationInformation");
        String byAnotherKey = MachineTokens.header(MachineTokens.mint(machine.machineId(), Ed25519.generate().getPrivate(),
                MachineTokens.STORAGE, null, Instant.now()));
        String expired = MachineTokens.header(MachineTokens.mint(machine.machineId(), machine.signingKeys.getPrivate(),
                MachineTokens.STORAGE, null, Instant.now().minus(Duration.ofHours(1))));
        String forRegistration = MachineTokens.header(MachineTokens.mint(machine.machineId(), machine.signingKeys.getPrivate(),
                MachineTokens.REGISTRATION, null, Instant.now()));
        for (String refused : List.of(byAnotherKey, expired, forRegistration, "Bearer " + Tokens.admin())) {
            HttpResponse<byte[]> response = Http.send(HttpRequest.newBuilder(URI.create(packageUrl)).header("Authorization", refused)
                    .GET().build());
            assertThat(response.statusCode()).as(refused).isIn(401, 403);
            assertThat(response.body().length).isLessThan(300);
        }
        HttpResponse<byte[]> signed = Http.send(HttpRequest.newBuilder(URI.create(packageUrl)).header("Authorization", machine.authorization())
                .GET().build());
        assertThat(signed.statusCode()).isEqualTo(200);
        assertThat(signed.body()).isEqualTo(Packages.build(PUBLISHER, typeOf(packageUrl), "1.0"));
    }

    @Test
    void pathTraversalAndLinksNeverLeaveTheStorageFolder() throws Exception {
        Path secret = storageConfig.dir().toAbsolutePath().getParent().resolve("storage-secret-" + UUID.randomUUID() + ".txt");
        Files.writeString(secret, "secret-marker");
        Path link = storageConfig.dir().resolve("packages/Evil.Links/Passwd/1.0.zip");
        Files.createDirectories(link.getParent());
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, secret);
        URI server = storage.url();
        String name = secret.getFileName().toString();
        try {
            for (String path : List.of("/../" + name, "/packages/../../" + name, "/catalog/../../" + name,
                    "/packages/%2e%2e/%2e%2e/" + name, "/packages/..%2f..%2f" + name, "/catalog/..%5c..%5c" + name,
                    "//" + secret, "/packages/Evil.Links/Passwd/1.0.zip", "/packages/Evil.Links/Passwd/..%2f..%2f..%2f" + name)) {
                String response = Http.raw(server, "GET", path);
                assertThat(Http.status(response)).as(path).isBetween(400, 404);
                assertThat(response).as(path).doesNotContain("secret-marker");
            }
        } finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(secret);
        }
    }

    @Test
    void thePrivateEndpointServesTheSameBytesThroughTheCloudUrl() {
        String packageUrl = publish();
        String catalogUrl = storage.url() + "/catalog/catalog.json";

        for (String url : List.of(packageUrl, catalogUrl)) {
            Response proxied = given().urlEncodingEnabled(false).header("Authorization", Http.machineAuthorization())
                    .get(throughPrivateEndpoint(url + "?sv=2024-01-01&sig=secret"));
            assertThat(proxied.statusCode()).as(url).isEqualTo(200);
            assertThat(proxied.asByteArray()).as(url).isEqualTo(Http.get(url).body());
            assertThat(proxied.header("Content-Length")).isEqualTo(Integer.toString(Http.get(url).body().length));
        }
        URI storageUri = URI.create(packageUrl);
        assertThat(given().urlEncodingEnabled(false).header("Authorization", Http.machineAuthorization())
                .get("/private-endpoint/" + storageUri.getRawAuthority() + storageUri.getRawPath()).asByteArray())
                .isEqualTo(Http.get(packageUrl).body());
    }

    @Test
    void thePrivateEndpointIsNoOpenProxy() {
        String packageUrl = publish();
        String path = URI.create(packageUrl).getRawPath();

        for (String host : List.of("example.com", "169.254.169.254", "localhost.evil.test", "10.0.0.1",
                storage.url().getHost() + ":1")) {
            Response refused = given().get("/private-endpoint/" + host + path);
            assertThat(refused.statusCode()).as(host).isEqualTo(403);
            assertThat(refused.header("x-ms-error-code")).isEqualTo("PrivateEndpointHostNotAllowed");
        }
        String ownHost = storage.url().getHost();
        URI cloudServer = URI.create(cloud.toString());
        for (String raw : List.of("/private-endpoint/" + ownHost + "/packages/../catalog/catalog.json",
                "/private-endpoint/" + ownHost + "/packages/%2e%2e/%2e%2e/etc/passwd", "/private-endpoint/" + ownHost + "/",
                "/private-endpoint/" + ownHost + "/packages/")) {
            assertThat(Http.status(Http.raw(cloudServer, "GET", raw))).as(raw).isBetween(400, 404);
        }
        assertThat(given().body("x").post(throughPrivateEndpoint(packageUrl)).statusCode()).isEqualTo(405);
    }

    /** What an agent in private-endpoint mode fetches instead of {@code url} (PackageDownloader.effectiveUrl). */
    private static String throughPrivateEndpoint(String url) {
        URI uri = URI.create(url);
        return "/private-endpoint/" + uri.getHost() + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private static String publish() {
        String type = "Store" + UUID.randomUUID().toString().substring(0, 8);
        Response published = Packages.upload(PUBLISHER, type, "1.0", Packages.build(PUBLISHER, type, "1.0"));
        assertThat(published.statusCode()).as(published.asString()).isEqualTo(201);
        String url = published.jsonPath().getString("properties.extensionUris[0]");
        assertThat(url).endsWith("/packages/" + PUBLISHER + "/" + type + "/1.0.zip");
        return url;
    }

    private static String typeOf(String packageUrl) {
        String[] parts = URI.create(packageUrl).getPath().split("/");
        return parts[parts.length - 2];
    }
}
