package dev.bulwark.cloud.support;

import dev.bulwark.model.catalog.PackageBuilder;
import dev.bulwark.model.catalog.PackageIdentity;
import dev.bulwark.model.catalog.VerificationException;
import io.restassured.response.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Extension packages for the tests, built as {@code bulwark publisher pack} builds them (PackageBuilder:
 * deterministic, so the same files give the same bytes), and published through the API.
 */
public final class Packages {
    public static final String LOCATION = "westeurope";
    public static final String MANIFEST = """
            [{"version": 1.0, "handlerManifest": {
              "installCommand": "bin/handler.sh install", "uninstallCommand": "bin/handler.sh uninstall",
              "updateCommand": "bin/handler.sh update", "enableCommand": "bin/handler.sh enable",
              "disableCommand": "bin/handler.sh disable", "updateMode": "UpdateWithInstall"}}]
            """;
    private static final Set<String> PUBLISHED = ConcurrentHashMap.newKeySet();

    private Packages() {
    }

    /** Publishes these versions of the extension {@link Bodies} installs, once per test run. */
    public static void ensurePublished(String... versions) {
        for (String version : versions) {
            if (PUBLISHED.add(version)) {
                Response response = upload(Bodies.PUBLISHER, Bodies.TYPE, version, build(Bodies.PUBLISHER, Bodies.TYPE, version));
                assertThat(response.statusCode()).as(response.asString()).isIn(200, 201);
            }
        }
    }

    /** A small valid package: manifest, an executable handler script, and {@code extraFiles}. */
    public static byte[] build(String publisher, String type, String version, Map<String, byte[]> extraFiles) {
        Path root = null;
        try {
            root = Files.createTempDirectory("bulwark-package");
            Path source = root.resolve("extension");
            Map<String, byte[]> files = new TreeMap<>(extraFiles);
            files.put("HandlerManifest.json", MANIFEST.getBytes(StandardCharsets.UTF_8));
            files.put("bin/handler.sh", "#!/bin/sh\necho \"$1\"\n".getBytes(StandardCharsets.UTF_8));
            for (var file : files.entrySet()) {
                Path path = source.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.write(path, file.getValue());
            }
            Files.setPosixFilePermissions(source.resolve("bin/handler.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Path zip = root.resolve("package.zip");
            PackageBuilder.pack(source, PackageIdentity.of(publisher, type, version), zip);
            return Files.readAllBytes(zip);
        } catch (IOException | VerificationException e) {
            throw new IllegalStateException("cannot build a test package", e);
        } finally {
            deleteTree(root);
        }
    }

    public static byte[] build(String publisher, String type, String version) {
        return build(publisher, type, version, Map.of());
    }

    public static String versionsPath(String publisher, String type) {
        return "/subscriptions/sub-test/providers/Microsoft.HybridCompute/locations/" + LOCATION + "/publishers/"
                + publisher + "/extensionTypes/" + type + "/versions";
    }

    public static Response upload(String publisher, String type, String version, byte[] zip) {
        return given().contentType("application/zip").body(zip).queryParam("api-version", Arm.API_VERSION)
                .put(versionsPath(publisher, type) + "/" + version);
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try (var walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Response get(String publisher, String type, String version) {
        return given().queryParam("api-version", Arm.API_VERSION).get(versionsPath(publisher, type) + "/" + version);
    }
}
