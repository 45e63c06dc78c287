package dev.bulwark.agent.pkg;

import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.CatalogSigner;
import dev.bulwark.model.catalog.PackageBuilder;
import dev.bulwark.model.catalog.PackageIdentity;
import dev.bulwark.model.catalog.PackageInspector;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.ZipArchive;
import dev.bulwark.model.catalog.ZipWriter;
import dev.bulwark.model.crypto.Ed25519;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Packages and catalogs for the agent tests: a benign extension whose install command leaves a marker file
 * (so a test can tell whether any handler ran), and the tools of a compromised publisher: raw ZIP entries,
 * byte patches, catalogs signed over whatever the ZIP holds.
 */
final class TestPackages {
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final KeyPair PUBLISHER_KEY = Ed25519.generate();
    static final KeyPair UNKNOWN_KEY = Ed25519.generate();
    static final String PUBLISHER = "Contoso.Monitoring";
    static final String TYPE = "ContosoAgent";
    static final String MARKER_ENV = "BULWARK_TEST_MARKER";

    static final String MANIFEST = """
            [{"version": 1.0, "handlerManifest": {
              "installCommand": "scripts/install.sh", "uninstallCommand": "scripts/uninstall.sh",
              "updateCommand": "scripts/install.sh", "enableCommand": "scripts/enable.sh",
              "disableCommand": "scripts/disable.sh", "updateMode": "UpdateWithInstall"}}]
            """;
    /** What every handler script does if it ever runs: leave the marker. */
    static final String SCRIPT = "#!/bin/sh\necho \"$0 ran\" >> \"$" + MARKER_ENV + "\"\n";

    private TestPackages() {
    }

    static PackageIdentity identity(String version) {
        try {
            return PackageIdentity.of(PUBLISHER, TYPE, version);
        } catch (VerificationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The benign package, built like a publisher does ({@code publisher pack}). */
    static Path benign(Path dir, String version) throws Exception {
        Path source = Files.createDirectories(dir.resolve("src-" + version));
        Files.writeString(source.resolve("HandlerManifest.json"), MANIFEST);
        Path scripts = Files.createDirectories(source.resolve("scripts"));
        for (String name : List.of("install.sh", "uninstall.sh", "enable.sh", "disable.sh")) {
            Files.writeString(scripts.resolve(name), SCRIPT);
            Files.setPosixFilePermissions(scripts.resolve(name), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(source.resolve("README.md"), "Contoso agent " + version + "\n");
        return PackageBuilder.pack(source, identity(version), dir.resolve("contoso-" + version + ".zip")).zip();
    }

    /** One raw entry of a hand-made ZIP. */
    record Entry(String name, byte[] data, int method, int mode) {
        static Entry text(String name, String text) {
            return new Entry(name, text.getBytes(StandardCharsets.UTF_8), ZipArchive.DEFLATED, ZipWriter.MODE_FILE);
        }

        static Entry script(String name) {
            return new Entry(name, SCRIPT.getBytes(StandardCharsets.UTF_8), ZipArchive.DEFLATED, ZipWriter.MODE_EXECUTABLE);
        }
    }

    /** The benign package's entries, to which an attack adds or changes one. */
    static List<Entry> benignEntries(String version) {
        return List.of(
                new Entry(PackageIdentity.FILE_NAME, identity(version).toJson(), ZipArchive.DEFLATED, ZipWriter.MODE_FILE),
                Entry.text("HandlerManifest.json", MANIFEST),
                Entry.script("scripts/disable.sh"),
                Entry.script("scripts/enable.sh"),
                Entry.script("scripts/install.sh"),
                Entry.script("scripts/uninstall.sh"));
    }

    static byte[] zip(List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipWriter writer = new ZipWriter(bytes)) {
            for (Entry e : entries) {
                writer.add(e.name(), e.data(), e.method(), e.mode());
            }
        }
        return bytes.toByteArray();
    }

    static List<Entry> plus(List<Entry> entries, Entry... more) {
        List<Entry> out = new java.util.ArrayList<>(entries);
        out.addAll(List.of(more));
        return out;
    }

    /** The catalog entry a compromised publisher signs: whatever a careless tool lists from the ZIP. */
    static Catalog.PackageEntry listing(Path zip) throws Exception {
        return PackageInspector.listUnchecked(zip);
    }

    static byte[] catalog(long version, KeyPair key, Catalog.PackageEntry... entries) {
        return catalog(version, NOW.plus(Duration.ofDays(30)), key, entries);
    }

    static byte[] catalog(long version, Instant expires, KeyPair key, Catalog.PackageEntry... entries) {
        Catalog catalog = Catalog.unsigned(version, NOW.minus(Duration.ofDays(1)), expires, List.of(entries));
        return CatalogSigner.encode(new CatalogSigner(key).sign(catalog));
    }

    /** Sets the declared (uncompressed) size of entry {@code index} in both its local header and central record. */
    static byte[] withDeclaredSize(byte[] zip, int index, int size) {
        byte[] out = zip.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int end = out.length - 22;
        while (b.getInt(end) != 0x06054b50) {
            end--;
        }
        int cen = b.getInt(end + 16);
        for (int i = 0; i < index; i++) {
            cen += 46 + (b.getShort(cen + 28) & 0xffff) + (b.getShort(cen + 30) & 0xffff) + (b.getShort(cen + 32) & 0xffff);
        }
        b.putInt(cen + 24, size);
        b.putInt(b.getInt(cen + 42) + 22, size);
        return out;
    }
}
