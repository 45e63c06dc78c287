package dev.bulwark.agent.pkg;

import dev.bulwark.agent.pkg.AgentInstallHarness.Machine;
import dev.bulwark.agent.pkg.AgentInstallHarness.Outcome;
import dev.bulwark.agent.pkg.TestPackages.Entry;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.catalog.ArchiveLimits;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.PackageInspector;
import dev.bulwark.model.catalog.PackageScanner;
import dev.bulwark.model.catalog.Sha256;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.VerificationFailure;
import dev.bulwark.model.catalog.ZipArchive;
import dev.bulwark.model.catalog.ZipWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import static dev.bulwark.agent.pkg.TestPackages.NOW;
import static dev.bulwark.agent.pkg.TestPackages.PUBLISHER_KEY;
import static dev.bulwark.agent.pkg.TestPackages.UNKNOWN_KEY;
import static dev.bulwark.agent.pkg.TestPackages.benign;
import static dev.bulwark.agent.pkg.TestPackages.benignEntries;
import static dev.bulwark.agent.pkg.TestPackages.catalog;
import static dev.bulwark.agent.pkg.TestPackages.listing;
import static dev.bulwark.agent.pkg.TestPackages.plus;
import static dev.bulwark.agent.pkg.TestPackages.zip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test per attack on the package path, each building its own hostile input and going through the
 * agent's whole install flow ({@link AgentInstallHarness}). Each asserts the exact reason, that the
 * operation failed with PackageVerificationFailed, that no handler ran, and that nothing was left on disk.
 */
class PackageAttackTest {
    private static final String V = "1.2.0";
    private static final AtomicInteger ROUTES = new AtomicInteger();

    @TempDir
    Path tmp;

    private PackageServer server;
    private AgentInstallHarness agent;
    private Machine machine;

    @BeforeEach
    void setUp() throws Exception {
        server = new PackageServer();
        agent = agent(ArchiveLimits.DEFAULTS, AgentInstallHarness.fastDownloads());
        machine = Machine.in(tmp, "machine-1");
        machine.trust().add(PUBLISHER_KEY.getPublic());
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
    }

    // --- the control: without an attack the package installs and its handler runs ---

    @Test
    void aGenuinePackageInstallsAndItsHandlerRuns() throws Exception {
        Path zip = benign(tmp, V);

        Outcome outcome = publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, listing(zip)));

        assertThat(outcome.succeeded()).as(outcome.message()).isTrue();
        assertThat(Files.readString(machine.marker())).contains("scripts/install.sh ran");
        assertThat(machine.extensions().resolve("Contoso.Monitoring.ContosoAgent-" + V + "/scripts/install.sh")).isExecutable();
    }

    // --- the catalog ---

    @Test
    void aTamperedCatalogByteIsRefused() throws Exception {
        Path zip = benign(tmp, V);
        Path evil = write(zip(plus(benignEntries(V), Entry.text("scripts/backdoor.sh", "evil"))));
        byte[] signed = catalog(5, PUBLISHER_KEY, listing(zip));
        // The attacker edits the signed catalog to vouch for their ZIP: one hash digit at a time is enough.
        String text = new String(signed, StandardCharsets.UTF_8);
        String genuine = listing(zip).zip().sha256();
        String forged = text.replace(genuine, genuine.substring(0, 10) + (genuine.charAt(10) == 'a' ? 'b' : 'a') + genuine.substring(11));

        assertRefused(publish(Files.readAllBytes(evil), forged.getBytes(StandardCharsets.UTF_8)),
                VerificationFailure.CatalogSignatureInvalid);
    }

    @Test
    void aCatalogSignedByAnUnknownKeyIsRefused() throws Exception {
        Path zip = benign(tmp, V);

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, UNKNOWN_KEY, listing(zip))),
                VerificationFailure.CatalogKeyUntrusted);
    }

    @Test
    void aMachineWithoutTrustedKeysRefusesEverything() throws Exception {
        Path zip = benign(tmp, V);
        Machine untrusting = Machine.in(tmp, "fresh-machine");

        Outcome outcome = agent.install(untrusting, server.serve(route("catalog"), catalog(5, PUBLISHER_KEY, listing(zip))),
                server.serve(route("zip"), Files.readAllBytes(zip)), V);

        assertRefused(untrusting, outcome, VerificationFailure.CatalogKeyUntrusted);
    }

    @Test
    void aTrustFolderWritableByOthersFailsClosed() throws Exception {
        Path zip = benign(tmp, V);
        Files.setPosixFilePermissions(machine.trust().directory(), PosixFilePermissions.fromString("rwxrwxrwx"));

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, listing(zip))),
                VerificationFailure.TrustStoreInvalid);
    }

    @Test
    void anExpiredCatalogIsRefused() throws Exception {
        Path zip = benign(tmp, V);

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, NOW.minusSeconds(1), PUBLISHER_KEY, listing(zip))),
                VerificationFailure.CatalogExpired);
    }

    @Test
    void anOlderCatalogVersionIsRefusedAfterANewerOne() throws Exception {
        Path zip = benign(tmp, V);
        byte[] bytes = Files.readAllBytes(zip);
        assertThat(publish(bytes, catalog(5, PUBLISHER_KEY, listing(zip))).succeeded()).isTrue();
        List<Path> afterFirstInstall = agent.leftOnDisk(machine);
        String markerAfterFirstInstall = Files.readString(machine.marker());

        Outcome outcome = publish(bytes, catalog(4, PUBLISHER_KEY, listing(zip)));

        assertRefusedAfter(outcome, VerificationFailure.CatalogRollback, afterFirstInstall, markerAfterFirstInstall);
    }

    @Test
    void theSameCatalogVersionWithOtherContentIsRefused() throws Exception {
        Path zip = benign(tmp, V);
        Path other = benign(tmp, "1.3.0");
        byte[] bytes = Files.readAllBytes(zip);
        assertThat(publish(bytes, catalog(5, PUBLISHER_KEY, listing(zip))).succeeded()).isTrue();
        List<Path> afterFirstInstall = agent.leftOnDisk(machine);
        String markerAfterFirstInstall = Files.readString(machine.marker());

        Outcome outcome = publish(bytes, catalog(5, PUBLISHER_KEY, listing(zip), listing(other)));

        assertRefusedAfter(outcome, VerificationFailure.CatalogVersionConflict, afterFirstInstall, markerAfterFirstInstall);
    }

    @Test
    void aCatalogOlderThanTheOperationRequiresIsRefused() throws Exception {
        Path zip = benign(tmp, V);

        Outcome outcome = agent.install(machine, server.serve(route("catalog"), catalog(5, PUBLISHER_KEY, listing(zip))),
                server.serve(route("zip"), Files.readAllBytes(zip)), extension(), V, 6);

        assertRefused(outcome, VerificationFailure.CatalogRollback);
    }

    // --- the package as a whole ---

    @Test
    void aPackageMissingFromTheCatalogIsRefused() throws Exception {
        Path zip = benign(tmp, V);
        Path other = benign(tmp, "0.9.0");

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, listing(other))),
                VerificationFailure.PackageNotInCatalog);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Fabrikam.Monitoring/ContosoAgent@1.2.0", "Contoso.Monitoring/OtherAgent@1.2.0",
            "Contoso.Monitoring/ContosoAgent@1.2.1", "Contoso.Monitoring/ContosoAgent@1.2"})
    void aPackageListedForAnotherPublisherTypeOrVersionIsRefused(String requested) throws Exception {
        Path zip = benign(tmp, V);
        ExtensionId id = ExtensionId.parse(requested.substring(0, requested.indexOf('@')));
        String version = requested.substring(requested.indexOf('@') + 1);

        Outcome outcome = agent.install(machine, server.serve(route("catalog"), catalog(5, PUBLISHER_KEY, listing(zip))),
                server.serve(route("zip"), Files.readAllBytes(zip)), id, version, 0);

        assertRefused(outcome, VerificationFailure.PackageNotInCatalog);
    }

    @Test
    void anotherVersionsSignedZipServedForThisVersionIsRefused() throws Exception {
        Path old = benign(tmp, "1.1.0");
        Path current = benign(tmp, V);
        assertThat(Files.size(old)).as("same length, so only the hash tells them apart").isEqualTo(Files.size(current));

        assertRefused(publish(Files.readAllBytes(old), catalog(5, PUBLISHER_KEY, listing(old), listing(current))),
                VerificationFailure.PackageHashMismatch);
    }

    @Test
    void aTamperedZipByteIsRefused() throws Exception {
        Path zip = benign(tmp, V);
        byte[] bytes = Files.readAllBytes(zip);
        byte[] catalog = catalog(5, PUBLISHER_KEY, listing(zip));
        bytes[bytes.length / 2] ^= 0x01;

        assertRefused(publish(bytes, catalog), VerificationFailure.PackageHashMismatch);
    }

    @Test
    void aShorterDownloadIsRefused() throws Exception {
        Path zip = benign(tmp, V);
        byte[] bytes = Files.readAllBytes(zip);

        assertRefused(publish(java.util.Arrays.copyOf(bytes, bytes.length - 100), catalog(5, PUBLISHER_KEY, listing(zip))),
                VerificationFailure.PackageLengthMismatch);
    }

    @Test
    void aServerSendingMoreThanTheCatalogLengthIsCutOff() throws Exception {
        Path zip = benign(tmp, V);
        byte[] bytes = Files.readAllBytes(zip);
        URI catalog = server.serve(route("catalog"), catalog(5, PUBLISHER_KEY, listing(zip)));
        String path = route("zip");
        // No Content-Length (chunked): the client only learns the size by counting bytes as they arrive.
        URI pkg = server.on(path, (exchange, attempt) -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
                for (int i = 0; i < 1000; i++) {
                    out.write(new byte[64 * 1024]);
                }
            }
        });

        assertRefused(agent.install(machine, catalog, pkg, V), VerificationFailure.DownloadTooLarge);
        assertThat(server.requests(path)).as("never retried").isEqualTo(1);
    }

    @Test
    void aStalledDownloadFailsAfterItsRetries() throws Exception {
        agent = agent(ArchiveLimits.DEFAULTS, new PackageDownloader.Settings(Duration.ofMillis(200), Duration.ofSeconds(5),
                3, Duration.ofMillis(1), Duration.ofMillis(1), null));
        Path zip = benign(tmp, V);
        byte[] bytes = Files.readAllBytes(zip);
        URI catalog = server.serve(route("catalog"), catalog(5, PUBLISHER_KEY, listing(zip)));
        String path = route("zip");
        URI pkg = server.on(path, (exchange, attempt) -> {
            exchange.sendResponseHeaders(200, bytes.length);
            OutputStream out = exchange.getResponseBody();
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
            server.released.await(30, TimeUnit.SECONDS);
        });
        long started = System.nanoTime();

        Outcome outcome = agent.install(machine, catalog, pkg, V);

        assertRefused(outcome, VerificationFailure.DownloadFailed);
        assertThat(outcome.message()).contains("failed 3 times").contains("stalled");
        assertThat(server.requests(path)).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    // --- the archive, from a compromised publisher who signs whatever it builds ---

    @ParameterizedTest
    @ValueSource(strings = {"../evil.sh", "scripts/../../evil.sh", "/tmp/evil.sh", "..\\evil.sh",
            "scripts\\..\\..\\evil.sh", "C:/evil.sh", "C:\\evil.sh"})
    void zipSlipEntriesAreRefused(String name) throws Exception {
        Path zip = write(zip(plus(benignEntries(V), Entry.script(name))));

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, listing(zip))),
                VerificationFailure.UnsafeArchiveEntry);
        try (Stream<Path> everything = Files.walk(tmp)) {
            assertThat(everything.filter(p -> p.getFileName().toString().contains("evil"))).as("nothing escaped").isEmpty();
        }
    }

    @Test
    void aSymbolicLinkEntryIsRefused() throws Exception {
        Path zip = write(zip(plus(benignEntries(V),
                new Entry("scripts/lib", "/etc".getBytes(StandardCharsets.UTF_8), ZipArchive.STORED, ZipWriter.MODE_SYMLINK))));

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, listing(zip))),
                VerificationFailure.UnsafeArchiveEntry);
    }

    @Test
    void duplicateEntryNamesCannotShowTheCatalogOneCopyAndRunAnother() throws Exception {
        byte[] evilScript = "#!/bin/sh\necho pwned >> \"$BULWARK_TEST_MARKER\"\n".getBytes(StandardCharsets.UTF_8);
        Path zip = write(zip(plus(benignEntries(V),
                new Entry("scripts/install.sh", evilScript, ZipArchive.DEFLATED, ZipWriter.MODE_EXECUTABLE))));
        // The JDK's two readers disagree on which copy "scripts/install.sh" is...
        byte[] streamed = firstStreamedCopy(zip, "scripts/install.sh");
        byte[] randomAccess;
        try (ZipFile jdk = new ZipFile(zip.toFile())) {
            randomAccess = jdk.getInputStream(jdk.getEntry("scripts/install.sh")).readAllBytes();
        }
        assertThat(streamed).isNotEqualTo(randomAccess);
        // ...so whichever copy the compromised publisher's catalog lists, the archive is refused.
        Catalog.PackageEntry listsBenignCopy = listing(zip);
        Catalog.PackageEntry listsEvilCopy = withFile(listsBenignCopy, "scripts/install.sh", evilScript);

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, listsBenignCopy)),
                VerificationFailure.DuplicateArchiveEntry);
        assertRefused(publish(Files.readAllBytes(zip), catalog(6, PUBLISHER_KEY, listsEvilCopy)),
                VerificationFailure.DuplicateArchiveEntry);
    }

    @Test
    void namesThatCollideOnCaseInsensitiveFileSystemsAreRefused() throws Exception {
        Path zip = write(zip(plus(benignEntries(V), Entry.script("Scripts/Install.sh"))));
        // A catalog cannot list both (the signer refuses), so the compromised publisher lists one of them.
        Catalog.PackageEntry full = listing(zip);
        Catalog.PackageEntry listed = new Catalog.PackageEntry(full.publisher(), full.type(), full.version(), full.zip(),
                full.files().stream().filter(f -> !f.path().equals("Scripts/Install.sh")).toList());

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, listed)),
                VerificationFailure.DuplicateArchiveEntry);
    }

    @Test
    void anEntryHiddenFromTheCentralDirectoryIsRefused() throws Exception {
        byte[] evil = zip(List.of(Entry.text("scripts/install.sh", "#!/bin/sh\necho pwned\n")));
        byte[] hiddenLocalEntry = java.util.Arrays.copyOf(evil, evil.length - 22 - centralDirectorySize(evil));
        byte[] genuine = Files.readAllBytes(benign(tmp, V));
        byte[] combined = new byte[hiddenLocalEntry.length + genuine.length];
        System.arraycopy(hiddenLocalEntry, 0, combined, 0, hiddenLocalEntry.length);
        System.arraycopy(genuine, 0, combined, hiddenLocalEntry.length, genuine.length);
        Path zip = write(combined);
        Catalog.PackageEntry listed = withZip(listing(benign(tmp, V)), zip);

        assertRefused(publish(combined, catalog(5, PUBLISHER_KEY, listed)), VerificationFailure.ArchiveMalformed);
    }

    @Test
    void aZipBombIsStoppedByTheCompressionRatio() throws Exception {
        Path zip = write(zip(plus(benignEntries(V),
                new Entry("data/zeros.bin", new byte[20 << 20], ZipArchive.DEFLATED, ZipWriter.MODE_FILE))));
        assertThat(Files.size(zip)).isLessThan(100_000);

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, listing(zip))),
                VerificationFailure.ArchiveRatioTooHigh);
    }

    @Test
    void anEntryWhoseDeclaredSizeLiesIsStoppedAtTheDeclaredSize() throws Exception {
        List<Entry> entries = plus(benignEntries(V), new Entry("data/blob.bin", new byte[8 << 20], ZipArchive.DEFLATED,
                ZipWriter.MODE_FILE));
        byte[] honest = zip(entries);
        byte[] lying = TestPackages.withDeclaredSize(honest, entries.size() - 1, 100);
        Path zip = write(lying);
        // The catalog agrees with the lie: 100 bytes, hash of the first 100.
        Catalog.PackageEntry listed = withZip(withFile(listing(write(honest)), "data/blob.bin", new byte[100]), zip);

        assertRefused(publish(lying, catalog(5, PUBLISHER_KEY, listed)), VerificationFailure.ArchiveEntryLengthMismatch);
    }

    @Test
    void tooManyEntriesAreRefusedBeforeOpening() throws Exception {
        agent = agent(new ArchiveLimits(1 << 20, 1 << 20, 5, 100, 1 << 20), AgentInstallHarness.fastDownloads());
        Path zip = benign(tmp, V);

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, listing(zip))),
                VerificationFailure.ArchiveTooManyEntries);
    }

    @Test
    void tooMuchContentIsRefusedBeforeOpening() throws Exception {
        agent = agent(new ArchiveLimits(1 << 20, 64 * 1024, 100, 100, 1 << 20), AgentInstallHarness.fastDownloads());
        byte[] random = new byte[100 * 1024];
        new java.util.Random(7).nextBytes(random);
        Path zip = write(zip(plus(benignEntries(V), new Entry("data/random.bin", random, ZipArchive.DEFLATED, ZipWriter.MODE_FILE))));

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, listing(zip))),
                VerificationFailure.ArchiveTooLarge);
    }

    @Test
    void anEntryTheCatalogDoesNotListIsRefused() throws Exception {
        Path zip = write(zip(plus(benignEntries(V), Entry.script("scripts/backdoor.sh"))));
        Catalog.PackageEntry full = listing(zip);
        Catalog.PackageEntry withoutBackdoor = new Catalog.PackageEntry(full.publisher(), full.type(), full.version(), full.zip(),
                full.files().stream().filter(f -> !f.path().equals("scripts/backdoor.sh")).toList());

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, withoutBackdoor)),
                VerificationFailure.ArchiveEntryNotInCatalog);
    }

    @Test
    void aListedFileMissingFromTheArchiveIsRefused() throws Exception {
        Path zip = benign(tmp, V);
        Catalog.PackageEntry full = listing(zip);
        List<Catalog.FileEntry> files = new ArrayList<>(full.files());
        files.add(new Catalog.FileEntry("scripts/preflight.sh", 3, Sha256.hex("abc".getBytes(StandardCharsets.UTF_8))));

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY,
                new Catalog.PackageEntry(full.publisher(), full.type(), full.version(), full.zip(), files))),
                VerificationFailure.ArchiveEntryMissing);
    }

    @Test
    void anEntryWhoseHashDiffersFromTheListingIsRefused() throws Exception {
        Path zip = benign(tmp, V);
        byte[] sameLengthOtherBytes = TestPackages.SCRIPT.replace("ran", "RAN").getBytes(StandardCharsets.UTF_8);

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY,
                withFile(listing(zip), "scripts/install.sh", sameLengthOtherBytes))), VerificationFailure.ArchiveEntryHashMismatch);
    }

    @Test
    void aSignedPackageWhoseManifestRunsSomethingOutsideIsRefused() throws Exception {
        List<Entry> entries = new ArrayList<>(benignEntries(V));
        entries.set(1, Entry.text("HandlerManifest.json", TestPackages.MANIFEST.replace("\"scripts/install.sh\"", "\"../../bin/evil\"")));
        Path zip = write(zip(entries));

        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, listing(zip))),
                VerificationFailure.HandlerManifestInvalid);
    }

    // --- publishing ---

    @Test
    void eicarInsideAPackageIsRefusedAtPublishingSoNoCatalogEverListsIt() throws Exception {
        Path zip = write(zip(plus(benignEntries(V),
                new Entry("tools/sample.bin", PackageScanner.eicarTestFile(), ZipArchive.DEFLATED, ZipWriter.MODE_FILE))));
        PackageInspector intake = new PackageInspector(PackageScanner.builtIn(), ArchiveLimits.DEFAULTS);

        VerificationFailure refusedAt;
        try {
            intake.inspect(zip, TestPackages.identity(V));
            refusedAt = null;
        } catch (VerificationException e) {
            refusedAt = e.reason();
        }

        assertThat(refusedAt).isEqualTo(VerificationFailure.MalwareDetected);
        // The catalog the cloud signs never lists it, so an agent offered the ZIP anyway refuses it.
        Path genuine = benign(tmp, "1.0.0");
        assertRefused(publish(Files.readAllBytes(zip), catalog(5, PUBLISHER_KEY, listing(genuine))),
                VerificationFailure.PackageNotInCatalog);
    }

    // --- helpers ---

    private AgentInstallHarness agent(ArchiveLimits limits, PackageDownloader.Settings settings) {
        return new AgentInstallHarness(tmp.resolve("package-cache"), limits, Clock.fixed(NOW, ZoneOffset.UTC), settings);
    }

    private Outcome publish(byte[] zip, byte[] catalog) {
        return agent.install(machine, server.serve(route("catalog.json"), catalog), server.serve(route("pkg.zip"), zip), V);
    }

    private void assertRefused(Outcome outcome, VerificationFailure reason) throws IOException {
        assertRefused(machine, outcome, reason);
    }

    private void assertRefused(Machine target, Outcome outcome, VerificationFailure reason) throws IOException {
        assertThat(outcome.succeeded()).as("refused").isFalse();
        assertThat(outcome.errorCode()).isEqualTo(ErrorCode.PackageVerificationFailed);
        assertThat(outcome.reason()).as(outcome.message()).isEqualTo(reason);
        assertThat(target.marker()).as("no handler ran").doesNotExist();
        assertThat(agent.leftOnDisk(target)).as("nothing left on disk").isEmpty();
    }

    private void assertRefusedAfter(Outcome outcome, VerificationFailure reason, List<Path> before, String marker)
            throws IOException {
        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.errorCode()).isEqualTo(ErrorCode.PackageVerificationFailed);
        assertThat(outcome.reason()).as(outcome.message()).isEqualTo(reason);
        assertThat(Files.readString(machine.marker())).as("no handler ran again").isEqualTo(marker);
        assertThat(agent.leftOnDisk(machine)).as("nothing new on disk").containsExactlyInAnyOrderElementsOf(before);
    }

    private static ExtensionId extension() {
        return new ExtensionId(TestPackages.PUBLISHER, TestPackages.TYPE);
    }

    private static String route(String name) {
        return "/storage/" + ROUTES.incrementAndGet() + "/" + name;
    }

    private Path write(byte[] bytes) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("built"));
        return Files.write(Files.createTempFile(dir, "package", ".zip"), bytes);
    }

    private static Catalog.PackageEntry withFile(Catalog.PackageEntry entry, String path, byte[] content) {
        List<Catalog.FileEntry> files = entry.files().stream()
                .map(f -> f.path().equals(path) ? new Catalog.FileEntry(path, content.length, Sha256.hex(content)) : f)
                .toList();
        return new Catalog.PackageEntry(entry.publisher(), entry.type(), entry.version(), entry.zip(), files);
    }

    private static Catalog.PackageEntry withZip(Catalog.PackageEntry entry, Path zip) throws IOException {
        return new Catalog.PackageEntry(entry.publisher(), entry.type(), entry.version(), Sha256.ofFile(zip), entry.files());
    }

    private static byte[] firstStreamedCopy(Path zip, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(zip)))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        throw new AssertionError(name + " not found");
    }

    private static int centralDirectorySize(byte[] zip) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(zip).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return b.getInt(zip.length - 22 + 12);
    }
}
