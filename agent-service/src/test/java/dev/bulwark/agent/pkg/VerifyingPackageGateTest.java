package dev.bulwark.agent.pkg;

import dev.bulwark.model.auth.MachineTokens;
import dev.bulwark.agent.identity.IdentityStore;
import dev.bulwark.agent.extension.GateResult;
import dev.bulwark.agent.extension.PackageRequest;
import dev.bulwark.agent.testing.TestTls;
import dev.bulwark.model.CatalogRef;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.ExtensionSpec;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.PackageRef;
import dev.bulwark.model.catalog.HandlerManifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.bulwark.agent.pkg.TestPackages.NOW;
import static dev.bulwark.agent.pkg.TestPackages.PUBLISHER;
import static dev.bulwark.agent.pkg.TestPackages.PUBLISHER_KEY;
import static dev.bulwark.agent.pkg.TestPackages.TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/**
 * The {@link VerifyingPackageGate} as the agent host uses it: what a fleet shares, what a machine gets,
 * private-endpoint routing, refusals before any download, and that a stalled download holds up nothing else.
 */
class VerifyingPackageGateTest {
    @TempDir
    Path tmp;

    private PackageServer server;
    private VerifyingPackageGate gate;
    private URI catalogUrl;
    private URI zipUrl;
    private byte[] catalogBytes;
    private byte[] zipBytes;

    @BeforeEach
    void setUp() throws Exception {
        server = new PackageServer();
        Path zip = TestPackages.benign(tmp, "1.2.0");
        Path other = TestPackages.benign(tmp, "1.3.0");
        byte[] catalog = TestPackages.catalog(5, PUBLISHER_KEY, TestPackages.listing(zip), TestPackages.listing(other));
        catalogBytes = catalog;
        zipBytes = Files.readAllBytes(zip);
        catalogUrl = server.serve("/catalog.json", catalog);
        zipUrl = server.serve("/contoso-1.2.0.zip", Files.readAllBytes(zip));
        server.serve("/private-endpoint/127.0.0.1/catalog.json", catalog);
        server.serve("/private-endpoint/127.0.0.1/contoso-1.2.0.zip", Files.readAllBytes(zip));
        server.serve("/contoso-1.3.0.zip", Files.readAllBytes(other));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gate != null) {
            gate.close();
        }
        server.close();
    }

    @Test
    void aFleetSharesOneCatalogDownloadOneZipDownloadAndOneVerifiedFolder() throws Exception {
        gate = gate(PrivateEndpoint.OFF, fastDownloads());
        List<CompletableFuture<GateResult>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(gate.verify(request(machine("m-" + i), install("1.2.0", zipUrl, catalogUrl), false)));
        }

        List<GateResult> results = all.stream().map(CompletableFuture::join).toList();

        assertThat(results).allSatisfy(r -> assertThat(r.verified()).as(r.message()).isTrue());
        assertThat(results.stream().map(GateResult::packageDir).distinct()).hasSize(1);
        Path shared = results.get(0).packageDir();
        assertThat(shared).startsWith(tmp.resolve("agent").resolve(VerifyingPackageGate.VERIFIED_DIR));
        assertThat(shared.resolve(HandlerManifest.FILE_NAME)).isRegularFile();
        assertThat(results.get(0).manifest().installCommand()).isEqualTo("scripts/install.sh");
        assertThat(server.requests("/contoso-1.2.0.zip")).isEqualTo(1);
        assertThat(server.requests("/catalog.json")).isEqualTo(1);
        // Each download is signed as one of the machines it is for, with that machine's key (storage checks it).
        assertThat(server.authorizations()).hasSize(2).allSatisfy(header -> {
            String token = MachineTokens.fromHeader(header);
            assertThat(token).as(header).isNotNull();
            String machine = MachineTokens.subjectOf(token);
            Path home = tmp.resolve("machines").resolve(machine.substring(machine.lastIndexOf('/') + 1));
            assertThatCode(() -> MachineTokens.verify(token, MachineTokens.STORAGE, subject -> publicKeyOf(home), Instant.now()))
                    .doesNotThrowAnyException();
        });
        assertThat(gate.verifier().extractions()).isEqualTo(1);
        assertThat(tmp.resolve("agent").resolve(VerifyingPackageGate.DOWNLOADS_DIR)).isEmptyDirectory();
    }

    @Test
    void aHandlerThatWritesIntoItsFolderGetsACopyOfItsOwn() throws Exception {
        gate = gate(PrivateEndpoint.OFF, fastDownloads());
        Path home = machine("m-1");

        GateResult first = gate.verify(request(home, install("1.2.0", zipUrl, catalogUrl), true)).join();
        GateResult again = gate.verify(request(home, install("1.2.0", zipUrl, catalogUrl), true)).join();

        Path own = home.resolve("extensions").resolve(PUBLISHER + "." + TYPE + "-1.2.0");
        assertThat(first.verified()).as(first.message()).isTrue();
        assertThat(first.packageDir()).isEqualTo(own);
        assertThat(again.packageDir()).isEqualTo(own);
        assertThat(own.resolve("scripts/install.sh")).isExecutable();
        assertThat(gate.verifier().extractions()).as("the copy comes from the shared verified folder").isEqualTo(1);
    }

    @Test
    void privateEndpointModeDownloadsThroughTheMachinesCloudUrlOrAGivenBase() throws Exception {
        List<PrivateEndpoint> modes = List.of(PrivateEndpoint.VIA_CLOUD, PrivateEndpoint.parse(server.url("/private-endpoint").toString()));
        for (int i = 0; i < modes.size(); i++) {
            gate = gate(modes.get(i), fastDownloads());

            GateResult result = gate.verify(request(machine("m-" + i), install("1.2.0", zipUrl, catalogUrl), false)).join();

            assertThat(result.verified()).as(result.message()).isTrue();
            gate.close();
            SafeExtractor.deleteTree(tmp.resolve("agent"));
        }
        gate = null;
        assertThat(server.requests("/contoso-1.2.0.zip")).isZero();
        assertThat(server.requests("/catalog.json")).isZero();
        assertThat(server.requests("/private-endpoint/127.0.0.1/contoso-1.2.0.zip")).isEqualTo(2);
    }

    @Test
    void missingOrUnusableReferencesAreRefusedBeforeAnyDownload() throws Exception {
        gate = gate(PrivateEndpoint.OFF, fastDownloads());
        Path home = machine("m-1");
        List<ExtensionOperation> operations = List.of(
                install("1.2.0", null, catalogUrl),
                install("1.2.0", zipUrl, null),
                install(" ", zipUrl, catalogUrl),
                install("1.2.0", URI.create("file:///etc/passwd"), catalogUrl),
                install("1.2.0", zipUrl, URI.create("ftp://127.0.0.1/catalog.json")));

        for (ExtensionOperation operation : operations) {
            GateResult result = gate.verify(request(home, operation, false)).join();
            assertThat(result.verified()).isFalse();
            assertThat(result.reason()).isEqualTo("PackageReferenceMissing");
            assertThat(result.message()).containsAnyOf("the install operation names no", "is not an http(s) URL");
        }
        assertThat(server.requestUris()).isEmpty();
    }

    @Test
    void aStalledDownloadHoldsUpOnlyTheMachinesWaitingForThatPackage() throws Exception {
        URI stalled = server.on("/stalled.zip", (exchange, attempt) -> server.released.await());
        gate = gate(PrivateEndpoint.OFF, new PackageDownloader.Settings(Duration.ofSeconds(60), Duration.ofMinutes(5), 10,
                Duration.ofMillis(1), Duration.ofMillis(5), null));

        CompletableFuture<GateResult> stuck = gate.verify(request(machine("m-1"), install("1.2.0", stalled, catalogUrl), false));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.requests("/stalled.zip") == 1);
        GateResult other = gate.verify(request(machine("m-2"), install("1.3.0", server.url("/contoso-1.3.0.zip"), catalogUrl),
                false)).get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(other.verified()).as(other.message()).isTrue();
        assertThat(stuck).isNotDone();
        gate.close(); // stops the stalled download: its operation fails, nothing is left half-written
        assertThat(stuck.get(10, java.util.concurrent.TimeUnit.SECONDS).reason()).isEqualTo("DownloadFailed");
        gate = null;
    }

    @Test
    void aPinnedMachineDownloadsOnlyFromServersItsCaVouchesFor() throws Exception {
        try (PackageServer genuine = new PackageServer(TestTls.local()); PackageServer impostor = new PackageServer(TestTls.other())) {
            URI catalog = genuine.serve("/catalog.json", catalogBytes);
            URI genuineZip = genuine.serve("/contoso-1.2.0.zip", zipBytes);
            URI impostorZip = impostor.serve("/contoso-1.2.0.zip", zipBytes);
            gate = gate(PrivateEndpoint.OFF, fastDownloads());
            Path pinned = machine("pinned");
            TestTls.pinned(TestTls.local()).storeIn(pinned, false);
            Path unpinned = machine("unpinned");
            String cloud = genuine.url("").toString();

            GateResult fromImpostor = gate.verify(request(pinned, install("1.2.0", impostorZip, catalog), cloud)).join();
            GateResult withoutPin = gate.verify(request(unpinned, install("1.2.0", genuineZip, catalog), cloud)).join();
            GateResult fromGenuine = gate.verify(request(pinned, install("1.2.0", genuineZip, catalog), cloud)).join();

            assertThat(fromImpostor.verified()).isFalse();
            assertThat(fromImpostor.reason()).isEqualTo("DownloadFailed");
            assertThat(fromImpostor.message()).contains("contoso-1.2.0.zip").containsIgnoringCase("certificat");
            assertThat(impostor.requestUris()).as("nothing was asked of the impostor: the handshake failed").isEmpty();
            assertThat(withoutPin.verified()).as("the JVM's trust store does not know the local CA").isFalse();
            assertThat(fromGenuine.verified()).as(fromGenuine.message()).isTrue();
        }
    }

    @Test
    void aMachineConnectedOverHttpsNeverDownloadsOverPlainHttp() throws Exception {
        gate = gate(PrivateEndpoint.OFF, fastDownloads());
        Path home = machine("m-1");

        GateResult plain = gate.verify(request(home, install("1.2.0", zipUrl, catalogUrl), "https://cloud.example")).join();

        assertThat(plain.verified()).isFalse();
        assertThat(plain.reason()).isEqualTo("DownloadFailed");
        assertThat(plain.message()).contains("plain http").contains("nothing was downloaded");
        assertThat(server.requestUris()).isEmpty();
    }

    // --- helpers

    private VerifyingPackageGate gate(PrivateEndpoint mode, PackageDownloader.Settings download) {
        return VerifyingPackageGate.inHome(tmp.resolve("agent"), new VerifyingPackageGate.Options(mode, false, download, 4,
                Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private static PackageDownloader.Settings fastDownloads() {
        return AgentInstallHarness.fastDownloads();
    }

    private static java.security.PublicKey publicKeyOf(Path home) {
        try {
            return dev.bulwark.model.crypto.Ed25519.decodePublic(new IdentityStore(home).ensureKeys().signing());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path machine(String name) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("machines").resolve(name));
        new TrustStore(home).add(PUBLISHER_KEY.getPublic());
        new IdentityStore(home).ensureKeys();
        return home;
    }

    private PackageRequest request(Path home, ExtensionOperation operation, boolean ownCopy) {
        return new PackageRequest(home, "/subscriptions/s/resourcegroups/g/providers/microsoft.hybridcompute/machines/"
                + home.getFileName(), server.url("").toString(), operation, ownCopy);
    }

    /** A machine connected to {@code cloudUrl}. */
    private static PackageRequest request(Path home, ExtensionOperation operation, String cloudUrl) {
        return new PackageRequest(home, "/subscriptions/s/resourcegroups/g/providers/microsoft.hybridcompute/machines/"
                + home.getFileName(), cloudUrl, operation, false);
    }

    private static ExtensionOperation install(String version, URI zip, URI catalog) {
        return new ExtensionOperation(ExtensionOperation.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "m", 1,
                OperationKind.INSTALL, new ExtensionSpec(TYPE, PUBLISHER, TYPE, version, null, null),
                zip == null ? null : new PackageRef(zip.toString(), "", 0),
                catalog == null ? null : new CatalogRef(catalog.toString(), 5), Instant.now(), null);
    }
}
