package dev.bulwark.cloud;

import dev.bulwark.cloud.config.StorageConfig;
import dev.bulwark.cloud.service.CatalogIssuer;
import dev.bulwark.cloud.support.Tokens;
import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Http;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.cloud.support.StorageSnapshot;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.CatalogVerifier;
import dev.bulwark.model.catalog.PackageScanner;
import dev.bulwark.model.catalog.Sha256;
import dev.bulwark.model.catalog.VerifiedCatalog;
import dev.bulwark.model.catalog.ZipArchive;
import dev.bulwark.model.catalog.ZipWriter;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Publishing packages: intake, storage, the signed catalog, and what a refused upload leaves behind (nothing). */
@QuarkusTest
class PackagePublishingTest {
    private static final String PUBLISHER = "Fabrikam.Tools";

    @Inject
    Pool pool;
    @Inject
    StorageConfig storageConfig;
    @Inject
    CatalogIssuer catalogIssuer;
    @TestHTTPResource(value = "/", tls = true)
    URL cloud;

    @Test
    void aPublishedPackageIsListedDownloadableAndInACatalogTheMachineTrusts() throws Exception {
        String type = uniqueType();
        byte[] zip = Packages.build(PUBLISHER, type, "1.0.0");

        Response published = Packages.upload(PUBLISHER, type, "1.0.0", zip);

        assertThat(published.statusCode()).as(published.asString()).isEqualTo(201);
        JsonPath view = published.jsonPath();
        assertThat(view.getString("type")).isEqualTo("Microsoft.HybridCompute/locations/publishers/extensionTypes/versions");
        assertThat(view.getString("name")).isEqualTo("1.0.0");
        assertThat(view.getString("id")).isEqualTo(Packages.versionsPath(PUBLISHER, type) + "/1.0.0");
        assertThat(view.getString("properties.publisher")).isEqualTo(PUBLISHER);
        assertThat(view.getString("properties.extensionType")).isEqualTo(type);
        assertThat(view.getString("properties.sha256")).isEqualTo(Sha256.hex(zip));
        assertThat(view.getLong("properties.length")).isEqualTo(zip.length);
        assertThat(view.getString("properties.publishedAt")).isNotBlank();
        assertThat(Packages.get(PUBLISHER, type, "1.0.0").jsonPath().getString("properties.sha256")).isEqualTo(Sha256.hex(zip));
        assertThat(given().queryParam("api-version", Arm.API_VERSION).get(Packages.versionsPath(PUBLISHER, type))
                .jsonPath().getList("value.name")).containsExactly("1.0.0");

        HttpResponse<byte[]> download = Http.get(view.getString("properties.extensionUris[0]"));
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(zip);
        assertThat(download.headers().firstValue("Content-Length")).contains(Integer.toString(zip.length));
        assertThat(download.headers().firstValue("Content-Type")).contains("application/zip");

        FakeMachine machine = FakeMachine.registered();
        VerifiedCatalog catalog = new CatalogVerifier(machine.catalogTrustRoots()).verify(downloadCatalog(), Instant.now());
        assertThat(catalog.version()).isGreaterThanOrEqualTo(view.getLong("properties.catalogVersion"));
        Catalog.PackageEntry entry = catalog.require(new ExtensionId(PUBLISHER, type), "1.0.0");
        assertThat(entry.zip()).isEqualTo(new Catalog.Digest(zip.length, Sha256.hex(zip)));
        assertThat(entry.files()).extracting(Catalog.FileEntry::path)
                .containsExactlyInAnyOrder("BulwarkPackage.json", "HandlerManifest.json", "bin/handler.sh");
        assertThat(entry.files()).contains(new Catalog.FileEntry("HandlerManifest.json",
                Packages.MANIFEST.getBytes(StandardCharsets.UTF_8).length, Sha256.hex(Packages.MANIFEST.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void everyPublishIssuesTheNextCatalogVersion() {
        String type = uniqueType();
        long before = currentCatalog().getLong("properties.catalogVersion");
        int packagesBefore = currentCatalog().getInt("properties.packageCount");

        long first = publish(type, "1.0").getLong("properties.catalogVersion");
        long second = publish(type, "1.1").getLong("properties.catalogVersion");

        assertThat(first).isEqualTo(before + 1);
        assertThat(second).isEqualTo(before + 2);
        JsonPath current = currentCatalog();
        assertThat(current.getLong("properties.catalogVersion")).isEqualTo(second);
        assertThat(current.getInt("properties.packageCount")).isEqualTo(packagesBefore + 2);
        assertThat(current.getString("properties.expires")).isNotBlank();
        assertThat(Instant.parse(current.getString("properties.expires")))
                .isAfter(Instant.now().plus(Duration.ofDays(29)));
    }

    @Test
    void theSameBytesAgainChangeNothingAndOtherBytesAreAConflict() {
        String type = uniqueType();
        byte[] zip = Packages.build(PUBLISHER, type, "2.0");
        Response first = Packages.upload(PUBLISHER, type, "2.0", zip);
        long catalogVersion = currentCatalog().getLong("properties.catalogVersion");
        StorageSnapshot before = snapshot();

        Response again = Packages.upload(PUBLISHER, type, "2.0", zip);
        Response other = Packages.upload(PUBLISHER, type, "2.0", Packages.build(PUBLISHER, type, "2.0",
                Map.of("README.md", "changed\n".getBytes(StandardCharsets.UTF_8))));

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.jsonPath().getString("properties.sha256")).isEqualTo(first.jsonPath().getString("properties.sha256"));
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(other.jsonPath().getString("error.code")).isEqualTo("ExtensionVersionConflict");
        assertThat(other.jsonPath().getString("error.message")).contains(Sha256.hex(zip));
        assertThat(snapshot()).isEqualTo(before);
        assertThat(currentCatalog().getLong("properties.catalogVersion")).isEqualTo(catalogVersion);
        assertThat(Http.get(first.jsonPath().getString("properties.extensionUris[0]")).body()).isEqualTo(zip);
    }

    @Test
    void anInfectedPackageIsRefusedAndLeavesNothingBehind() throws IOException {
        String type = uniqueType();
        StorageSnapshot before = snapshot();
        long catalogVersion = currentCatalog().getLong("properties.catalogVersion");

        Response plain = Packages.upload(PUBLISHER, type, "1.0", Packages.build(PUBLISHER, type, "1.0",
                Map.of("docs/notes.txt", PackageScanner.eicarTestFile())));
        Response nested = Packages.upload(PUBLISHER, type, "1.0", Packages.build(PUBLISHER, type, "1.0",
                Map.of("lib/bundle.zip", zipOf(Map.of("inner/test.com", PackageScanner.eicarTestFile())))));

        for (Response refused : List.of(plain, nested)) {
            assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(400);
            assertThat(refused.jsonPath().getString("error.code")).isEqualTo("InvalidExtensionPackage");
            assertThat(refused.jsonPath().getString("error.details[0].code")).isEqualTo("MalwareDetected");
            assertThat(refused.jsonPath().getString("error.message")).contains("MalwareDetected").doesNotContain(".incoming");
        }
        assertThat(plain.jsonPath().getString("error.message")).contains("docs/notes.txt");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(currentCatalog().getLong("properties.catalogVersion")).isEqualTo(catalogVersion);
        assertThat(Packages.get(PUBLISHER, type, "1.0").statusCode()).isEqualTo(404);
    }

    @Test
    void unsafeOrInvalidUploadsAreRefusedNamingTheReasonAndLeaveNothingBehind() throws IOException {
        String type = uniqueType();
        StorageSnapshot before = snapshot();
        byte[] manifest = Packages.MANIFEST.getBytes(StandardCharsets.UTF_8);
        byte[] script = "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8);

        assertRefused(Packages.upload(PUBLISHER, type, "1.0", zipOf(Map.of("HandlerManifest.json", manifest,
                "bin/handler.sh", script, "../../etc/cron.d/evil", script))), 400, "UnsafeArchiveEntry");
        assertRefused(Packages.upload(PUBLISHER, type, "1.0", zipOf(Map.of("bin/handler.sh", script))), 400,
                "HandlerManifestInvalid");
        Response shell = Packages.upload(PUBLISHER, type, "1.0", zipOf(Map.of("HandlerManifest.json",
                Packages.MANIFEST.replace("bin/handler.sh enable", "sh -c bin/handler.sh").getBytes(StandardCharsets.UTF_8),
                "bin/handler.sh", script)));
        assertRefused(shell, 400, "HandlerManifestInvalid");
        assertThat(shell.jsonPath().getString("error.message"))
                .contains("enableCommand runs 'sh', which is not a file in the package").doesNotContain(".incoming");
        Response outside = Packages.upload(PUBLISHER, type, "1.0", zipOf(Map.of("HandlerManifest.json",
                Packages.MANIFEST.replace("bin/handler.sh install", "../x install").getBytes(StandardCharsets.UTF_8),
                "bin/handler.sh", script, "x", script)));
        assertRefused(outside, 400, "HandlerManifestInvalid");
        assertThat(outside.jsonPath().getString("error.message"))
                .contains("installCommand runs '../x', which climbs out of the package");
        assertRefused(Packages.upload(PUBLISHER, type, "1.1", Packages.build(PUBLISHER, type, "1.0")), 400,
                "PackageIdentityInvalid");
        assertRefused(Packages.upload(PUBLISHER, type, "1.0", "not a zip".getBytes(StandardCharsets.UTF_8)), 400,
                "ArchiveMalformed");
        assertError(Packages.upload(PUBLISHER, type, "1.0", new byte[0]), 400, "InvalidRequestContent");
        assertError(Packages.upload(PUBLISHER, type, "1.0", new byte[(1 << 20) + 1]), 413, "RequestEntityTooLarge");
        HttpResponse<byte[]> chunked = Http.send(HttpRequest.newBuilder(URI.create(cloud + Packages.versionsPath(PUBLISHER, type)
                        .substring(1) + "/1.0?api-version=" + Arm.API_VERSION)).version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/zip").header("Authorization", Tokens.bearer(Tokens.admin()))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[(1 << 20) + 1]))).build());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(new JsonPath(new String(chunked.body(), StandardCharsets.UTF_8)).getString("error.code"))
                .isEqualTo("RequestEntityTooLarge");
        assertError(given().contentType("application/json").body("{}").queryParam("api-version", Arm.API_VERSION)
                .put(Packages.versionsPath(PUBLISHER, type) + "/1.0"), 415, "UnsupportedMediaType");
        assertError(Packages.upload(PUBLISHER, type, "-1.0", Packages.build(PUBLISHER, type, "1.0")), 400, "InvalidResourceName");

        assertThat(snapshot()).isEqualTo(before);
        assertThat(given().queryParam("api-version", Arm.API_VERSION).get(Packages.versionsPath(PUBLISHER, type))
                .jsonPath().getList("value")).isEmpty();
    }

    @Test
    void concurrentPublishesNeverShareACatalogVersion() throws Exception {
        String type = uniqueType();
        List<String> versions = List.of("1.0", "1.1", "1.2", "1.3");
        ExecutorService threads = Executors.newFixedThreadPool(versions.size());
        try {
            List<Future<Response>> uploads = new ArrayList<>();
            for (String version : versions) {
                byte[] zip = Packages.build(PUBLISHER, type, version);
                uploads.add(threads.submit((Callable<Response>) () -> Packages.upload(PUBLISHER, type, version, zip)));
            }
            List<Long> catalogVersions = new ArrayList<>();
            for (Future<Response> upload : uploads) {
                assertThat(upload.get().statusCode()).isEqualTo(201);
                catalogVersions.add(upload.get().jsonPath().getLong("properties.catalogVersion"));
            }

            assertThat(catalogVersions).doesNotHaveDuplicates();
            VerifiedCatalog catalog = new CatalogVerifier(FakeMachine.registered().catalogTrustRoots())
                    .verify(downloadCatalog(), Instant.now());
            assertThat(catalog.version()).isGreaterThanOrEqualTo(catalogVersions.stream().max(Long::compare).orElseThrow());
            versions.forEach(version -> assertThat(catalog.catalog().find(new ExtensionId(PUBLISHER, type), version)).isPresent());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theCatalogIsReSignedAsANewVersionOnceHalfItsValidityIsGone() throws Exception {
        publish(uniqueType(), "1.0");
        JsonPath current = currentCatalog();
        long version = current.getLong("properties.catalogVersion");
        Instant expires = Instant.parse(current.getString("properties.expires"));

        assertThat(catalogIssuer.renewIfDue(Instant.now())).isEmpty();
        var renewed = catalogIssuer.renewIfDue(expires.minus(Duration.ofDays(14)));

        assertThat(renewed).isPresent();
        assertThat(renewed.get().version()).isEqualTo(version + 1);
        assertThat(renewed.get().packageCount()).isEqualTo(current.getInt("properties.packageCount"));
        VerifiedCatalog served = new CatalogVerifier(FakeMachine.registered().catalogTrustRoots())
                .verify(downloadCatalog(), Instant.now());
        assertThat(served.version()).isEqualTo(version + 1);
        assertThat(served.catalog().expires()).isAfter(expires);
        assertThat(currentCatalog().getLong("properties.catalogVersion")).isEqualTo(version + 1);
    }

    private JsonPath publish(String type, String version) {
        Response response = Packages.upload(PUBLISHER, type, version, Packages.build(PUBLISHER, type, version));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(201);
        return response.jsonPath();
    }

    private StorageSnapshot snapshot() {
        return StorageSnapshot.take(storageConfig.dir(), pool);
    }

    static JsonPath currentCatalog() {
        return given().queryParam("api-version", Arm.API_VERSION)
                .get("/subscriptions/sub-test/providers/Microsoft.HybridCompute/locations/westeurope/catalogs/current")
                .then().statusCode(200).extract().jsonPath();
    }

    static byte[] downloadCatalog() {
        HttpResponse<byte[]> response = Http.get(currentCatalog().getString("properties.url"));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** A ZIP with exactly these entries, as a hostile or careless publisher would make it. */
    static byte[] zipOf(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipWriter zip = new ZipWriter(out)) {
            for (var entry : new TreeMap<>(entries).entrySet()) {
                zip.add(entry.getKey(), entry.getValue(), ZipArchive.DEFLATED, ZipWriter.MODE_FILE);
            }
        }
        return out.toByteArray();
    }

    private static String uniqueType() {
        return "Agent" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void assertRefused(Response response, int status, String reason) {
        assertError(response, status, "InvalidExtensionPackage");
        assertThat(response.jsonPath().getString("error.details[0].code")).isEqualTo(reason);
    }

    private static void assertError(Response response, int status, String code) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.jsonPath().getString("error.code")).as(response.asString()).isEqualTo(code);
        assertThat(response.jsonPath().getString("error.message")).isNotBlank().doesNotContain("Exception");
    }
}
