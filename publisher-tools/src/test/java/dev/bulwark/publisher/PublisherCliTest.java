package dev.bulwark.publisher;

import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.catalog.ArchiveLimits;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.CatalogVerifier;
import dev.bulwark.model.catalog.KeyFiles;
import dev.bulwark.model.catalog.PackageIdentity;
import dev.bulwark.model.catalog.PackageScanner;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.catalog.VerifiedCatalog;
import dev.bulwark.model.catalog.ZipArchive;
import dev.bulwark.model.catalog.ZipWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PublisherCliTest {
    private static final String MANIFEST = """
            [{"version": 1.0, "handlerManifest": {"installCommand": "bin/handler install",
              "uninstallCommand": "bin/handler uninstall", "updateCommand": "bin/handler update",
              "enableCommand": "bin/handler enable", "disableCommand": "bin/handler disable"}}]
            """;

    @TempDir
    Path tmp;

    @Test
    void keygenWritesAPrivateKeyOnlyTheOwnerCanReadAndAPublicKey() throws Exception {
        Run run = run("keygen", "--private", tmp.resolve("k.key").toString(), "--public", tmp.resolve("k.pub").toString());

        assertThat(run.exit).isEqualTo(0);
        assertThat(run.out).contains("key id:");
        assertThat(TrustedKeys.keyId(KeyFiles.readPublic(tmp.resolve("k.pub"))))
                .isEqualTo(TrustedKeys.keyId(KeyFiles.readPrivate(tmp.resolve("k.key")).getPublic()));
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("k.key")))).isEqualTo("rw-------");
        }
    }

    @Test
    void keygenNeverOverwritesAKey() throws Exception {
        keygen("k");
        byte[] before = Files.readAllBytes(tmp.resolve("k.key"));

        Run again = run("keygen", "--private", tmp.resolve("k.key").toString(), "--public", tmp.resolve("other.pub").toString());

        assertThat(again.exit).isEqualTo(1);
        assertThat(again.err).contains("k.key already exists");
        assertThat(Files.readAllBytes(tmp.resolve("k.key"))).isEqualTo(before);
        assertThat(tmp.resolve("other.pub")).doesNotExist();
    }

    @Test
    void missingOptionsAreUsageErrors() {
        assertThat(run("keygen", "--private", "x").exit).isEqualTo(2);
        assertThat(run("pack", "--dir", "x").exit).isEqualTo(2);
        assertThat(run("sign", "--key", "x").exit).isEqualTo(2);
        assertThat(run().exit).isEqualTo(2);
        assertThat(run("frobnicate").exit).isEqualTo(2);
    }

    @Test
    void packBuildsAPackageTheStrictReaderAccepts() throws Exception {
        Path zip = pack(extensionDir("ext"), "1.0.0");

        try (ZipArchive archive = ZipArchive.open(zip, ArchiveLimits.DEFAULTS)) {
            assertThat(archive.entries()).extracting(ZipArchive.Entry::name)
                    .containsExactly(PackageIdentity.FILE_NAME, "HandlerManifest.json", "bin/handler");
        }
    }

    @Test
    void packRefusesAFolderWithoutManifestNamingIt() throws Exception {
        Path dir = extensionDir("ext");
        Files.delete(dir.resolve("HandlerManifest.json"));

        Run run = run("pack", "--dir", dir.toString(), "--publisher", "Contoso", "--type", "Agent", "--version", "1.0",
                "--out", tmp.resolve("p.zip").toString());

        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err).contains("HandlerManifestInvalid").contains(dir.toString());
        assertThat(tmp.resolve("p.zip")).doesNotExist();
    }

    @Test
    void packRefusesAnUnsafeIdentityAsAUsageError() throws Exception {
        Run run = run("pack", "--dir", extensionDir("ext").toString(), "--publisher", "../etc", "--type", "Agent",
                "--version", "1.0", "--out", tmp.resolve("p.zip").toString());

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("publisher, type and version");
    }

    @Test
    void packOfAMissingFolderIsAnInputError() {
        Run run = run("pack", "--dir", tmp.resolve("nope").toString(), "--publisher", "C", "--type", "A",
                "--version", "1", "--out", tmp.resolve("p.zip").toString());

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("nope");
    }

    @Test
    void signMakesACatalogAgentsVerifyListingEveryFile() throws Exception {
        keygen("k");
        Path one = pack(extensionDir("one"), "1.0.0");
        Path two = pack(extensionDir("two"), "1.1.0");

        Run run = run("sign", "--key", tmp.resolve("k.key").toString(), "--catalog-version", "42", "--expires", "P30D",
                "--out", tmp.resolve("catalog.json").toString(), one.toString(), two.toString());

        assertThat(run.exit).as(run.err).isEqualTo(0);
        VerifiedCatalog verified = new CatalogVerifier(TrustedKeys.of(KeyFiles.readPublic(tmp.resolve("k.pub"))))
                .verify(Files.readAllBytes(tmp.resolve("catalog.json")), Instant.now());
        assertThat(verified.version()).isEqualTo(42);
        assertThat(verified.catalog().expires()).isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
        Catalog.PackageEntry entry = verified.require(new ExtensionId("Contoso.Monitoring", "ContosoAgent"), "1.1.0");
        assertThat(entry.zip().length()).isEqualTo(Files.size(two));
        assertThat(entry.files()).extracting(Catalog.FileEntry::path)
                .containsExactly(PackageIdentity.FILE_NAME, "HandlerManifest.json", "bin/handler");
    }

    @Test
    void signWithTwoKeysServesMachinesTrustingEither() throws Exception {
        keygen("old");
        keygen("new");
        Path zip = pack(extensionDir("ext"), "1.0.0");

        Run run = run("sign", "--key", tmp.resolve("old.key").toString(), "--key", tmp.resolve("new.key").toString(),
                "--catalog-version", "3", "--expires", "2099-01-01", "--out", tmp.resolve("c.json").toString(), zip.toString());

        assertThat(run.exit).as(run.err).isEqualTo(0);
        byte[] catalog = Files.readAllBytes(tmp.resolve("c.json"));
        for (String key : new String[] {"old", "new"}) {
            new CatalogVerifier(TrustedKeys.of(KeyFiles.readPublic(tmp.resolve(key + ".pub")))).verify(catalog, Instant.now());
        }
    }

    @Test
    void signRefusesAnUnsafeArchiveUnlessUnchecked() throws Exception {
        keygen("k");
        Path evil = tmp.resolve("evil.zip");
        try (OutputStream out = Files.newOutputStream(evil); ZipWriter zip = new ZipWriter(out)) {
            zip.add(PackageIdentity.FILE_NAME, PackageIdentity.of("Contoso.Monitoring", "ContosoAgent", "6.6.6").toJson(),
                    ZipArchive.DEFLATED, ZipWriter.MODE_FILE);
            zip.add("HandlerManifest.json", MANIFEST.getBytes(StandardCharsets.UTF_8), ZipArchive.DEFLATED, ZipWriter.MODE_FILE);
            zip.add("bin/handler", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), ZipArchive.DEFLATED, ZipWriter.MODE_EXECUTABLE);
            zip.add("../../etc/cron.d/evil", "* * * * * root evil\n".getBytes(StandardCharsets.UTF_8),
                    ZipArchive.DEFLATED, ZipWriter.MODE_FILE);
        }
        String[] sign = {"sign", "--key", tmp.resolve("k.key").toString(), "--catalog-version", "1", "--expires", "P1D",
                "--out", tmp.resolve("c.json").toString(), evil.toString()};

        Run refused = run(sign);
        assertThat(refused.exit).isEqualTo(1);
        assertThat(refused.err).contains("UnsafeArchiveEntry").contains("'../../etc/cron.d/evil'").contains("evil.zip");
        assertThat(tmp.resolve("c.json")).doesNotExist();

        String[] unchecked = java.util.Arrays.copyOf(sign, sign.length + 1);
        unchecked[sign.length] = "--unchecked";
        Run signed = run(unchecked);
        assertThat(signed.exit).as(signed.err).isEqualTo(0);
        assertThat(signed.out).contains("UNCHECKED");
        assertThat(Files.readString(tmp.resolve("c.json"))).contains("../../etc/cron.d/evil");
    }

    @Test
    void signRefusesAPackageWithEicarInside() throws Exception {
        keygen("k");
        Path dir = extensionDir("ext");
        Files.write(dir.resolve("bin/payload.dat"), PackageScanner.eicarTestFile());
        Path zip = pack(dir, "1.0.0");

        Run run = run("sign", "--key", tmp.resolve("k.key").toString(), "--catalog-version", "1", "--expires", "P1D",
                "--out", tmp.resolve("c.json").toString(), zip.toString());

        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err).contains("MalwareDetected").contains("bin/payload.dat");
        assertThat(tmp.resolve("c.json")).doesNotExist();
    }

    @Test
    void signRefusesTwoZipsOfTheSameVersion() throws Exception {
        keygen("k");
        Path a = pack(extensionDir("a"), "1.0.0");
        Path b = pack(extensionDir("b"), "1.0.0");
        Files.move(b, tmp.resolve("b-copy.zip"));

        Run run = run("sign", "--key", tmp.resolve("k.key").toString(), "--catalog-version", "1", "--expires", "P1D",
                "--out", tmp.resolve("c.json").toString(), a.toString(), tmp.resolve("b-copy.zip").toString());

        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err).contains("are both Contoso.Monitoring/ContosoAgent 1.0.0");
    }

    @Test
    void signInputErrorsExitTwo() throws Exception {
        keygen("k");
        Path zip = pack(extensionDir("ext"), "1.0.0");
        String key = tmp.resolve("k.key").toString();
        String out = tmp.resolve("c.json").toString();

        assertThat(run("sign", "--key", key, "--catalog-version", "1", "--expires", "2001-01-01", "--out", out, zip.toString()).exit)
                .as("expiry in the past").isEqualTo(2);
        assertThat(run("sign", "--key", key, "--catalog-version", "1", "--expires", "soon", "--out", out, zip.toString()).exit)
                .as("unreadable expiry").isEqualTo(2);
        assertThat(run("sign", "--key", key, "--catalog-version", "0", "--expires", "P1D", "--out", out, zip.toString()).exit)
                .as("version 0").isEqualTo(2);
        assertThat(run("sign", "--key", tmp.resolve("k.pub").toString(), "--catalog-version", "1", "--expires", "P1D",
                "--out", out, zip.toString()).err).as("public key given as private").contains("k.pub");
        Run missing = run("sign", "--key", key, "--catalog-version", "1", "--expires", "P1D", "--out", out, "nope.zip");
        assertThat(missing.exit).isEqualTo(2);
        assertThat(missing.err).contains("nope.zip");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"keygen", "pack", "sign"}) {
            Run run = run(command, "--help");
            assertThat(run.exit).isEqualTo(0);
            assertThat(run.out).contains("Usage: publisher " + command);
        }
        assertThat(run("--version").out).contains("Bulwark publisher tools");
    }

    @Test
    void expiryAcceptsInstantsDatesAndDurations() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");

        assertThat(SignCommand.parseExpiry("2025-02-01T10:00:00Z", now)).isEqualTo(Instant.parse("2025-02-01T10:00:00Z"));
        assertThat(SignCommand.parseExpiry("2025-02-01T10:00:00+02:00", now)).isEqualTo(Instant.parse("2025-02-01T08:00:00Z"));
        assertThat(SignCommand.parseExpiry("2025-02-01", now)).isEqualTo(Instant.parse("2025-02-01T00:00:00Z"));
        assertThat(SignCommand.parseExpiry("P30D", now)).isEqualTo(Instant.parse("2025-01-31T00:00:00Z"));
        assertThat(SignCommand.parseExpiry("PT12H", now)).isEqualTo(Instant.parse("2025-01-01T12:00:00Z"));
        assertThat(SignCommand.parseExpiry("P1M", now)).isEqualTo(Instant.parse("2025-02-01T00:00:00Z"));
    }

    private Path extensionDir(String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("HandlerManifest.json"), MANIFEST);
        Files.createDirectories(dir.resolve("bin"));
        Files.writeString(dir.resolve("bin/handler"), "#!/bin/sh\necho \"$1\"\n");
        return dir;
    }

    private Path pack(Path dir, String version) {
        Path zip = tmp.resolve(dir.getFileName() + "-" + version + ".zip");
        Run run = run("pack", "--dir", dir.toString(), "--publisher", "Contoso.Monitoring", "--type", "ContosoAgent",
                "--version", version, "--out", zip.toString());
        assertThat(run.exit).as(run.err).isEqualTo(0);
        return zip;
    }

    private void keygen(String name) {
        Run run = run("keygen", "--private", tmp.resolve(name + ".key").toString(), "--public", tmp.resolve(name + ".pub").toString());
        assertThat(run.exit).as(run.err).isEqualTo(0);
    }

    private static Run run(String... args) {
        CommandLine cli = PublisherCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private record Run(int exit, String out, String err) {
    }
}
