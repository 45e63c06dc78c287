package dev.bulwark.model.catalog;

import dev.bulwark.model.crypto.Ed25519;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Keys, catalogs and packages for the catalog tests; every test builds its own hostile variant from these. */
final class TestKit {
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final KeyPair KEY = Ed25519.generate();
    static final KeyPair OTHER_KEY = Ed25519.generate();

    static final String MANIFEST = """
            [{
              "version": 1.0,
              "handlerManifest": {
                "installCommand": "scripts/install.sh",
                "uninstallCommand": "scripts/uninstall.sh",
                "updateCommand": "scripts/install.sh",
                "enableCommand": "scripts/enable.sh",
                "disableCommand": "scripts/disable.sh",
                "rebootAfterInstall": false,
                "reportHeartbeat": false,
                "updateMode": "UpdateWithInstall",
                "ownService": false
              }
            }]
            """;

    private TestKit() {
    }

    static Catalog.PackageEntry entry(String publisher, String type, String version) {
        return new Catalog.PackageEntry(publisher, type, version,
                new Catalog.Digest(1234, Sha256.hex(version.getBytes(StandardCharsets.UTF_8))),
                List.of(new Catalog.FileEntry("HandlerManifest.json", 10, Sha256.hex(new byte[] {1})),
                        new Catalog.FileEntry("scripts/install.sh", 20, Sha256.hex(new byte[] {2}))));
    }

    static Catalog catalog(long version) {
        return Catalog.unsigned(version, NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(30)),
                List.of(entry("Contoso.Monitoring", "ContosoAgent", "1.2.0")));
    }

    static byte[] signed(Catalog catalog, KeyPair... keys) {
        Catalog signed = catalog;
        for (KeyPair key : keys) {
            signed = new CatalogSigner(key).sign(signed);
        }
        return CatalogSigner.encode(signed);
    }

    /** A folder that {@code pack} accepts: manifest, executable scripts, a readme. */
    static Path extensionDir(Path root) throws IOException {
        Path dir = Files.createDirectories(root.resolve("extension"));
        Files.writeString(dir.resolve("HandlerManifest.json"), MANIFEST);
        Path scripts = Files.createDirectories(dir.resolve("scripts"));
        for (String name : List.of("install.sh", "uninstall.sh", "enable.sh", "disable.sh")) {
            Path script = scripts.resolve(name);
            Files.writeString(script, "#!/bin/sh\necho " + name + "\n");
            if (Files.getFileStore(script).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        Files.writeString(dir.resolve("README.md"), "Contoso agent\n");
        return dir;
    }

    static PackageIdentity identity() {
        try {
            return PackageIdentity.of("Contoso.Monitoring", "ContosoAgent", "1.2.0");
        } catch (VerificationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A package ZIP written entry by entry (names, modes and methods exactly as given). */
    static byte[] zip(Entry... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipWriter writer = new ZipWriter(bytes)) {
            for (Entry e : entries) {
                writer.add(e.name, e.data, e.method, e.mode);
            }
        }
        return bytes.toByteArray();
    }

    record Entry(String name, byte[] data, int method, int mode) {
        static Entry file(String name, String text) {
            return new Entry(name, text.getBytes(StandardCharsets.UTF_8), ZipArchive.DEFLATED, ZipWriter.MODE_FILE);
        }
    }

    static Entry identityEntry() {
        return new Entry(PackageIdentity.FILE_NAME, identity().toJson(), ZipArchive.DEFLATED, ZipWriter.MODE_FILE);
    }

    static Entry[] validPackageEntries() {
        return new Entry[] {
                identityEntry(),
                Entry.file("HandlerManifest.json", MANIFEST),
                Entry.file("scripts/disable.sh", "#!/bin/sh\n"),
                Entry.file("scripts/enable.sh", "#!/bin/sh\n"),
                Entry.file("scripts/install.sh", "#!/bin/sh\n"),
                Entry.file("scripts/uninstall.sh", "#!/bin/sh\n"),
        };
    }
}
