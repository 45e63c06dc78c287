package dev.bulwark.agent.pkg;

import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.catalog.ArchiveLimits;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.VerificationFailure;
import dev.bulwark.model.catalog.VerifiedCatalog;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The agent's install flow, exactly as the agent will call this package: catalog download and check,
 * listing, package download limited to the listed length, package check, copy into the machine's folder,
 * and then, only for a verified package, the handler's install command (a real process). Every handler
 * script of the test packages appends to the marker file, so "no handler ran" is observable.
 */
final class AgentInstallHarness {

    /** One simulated machine: its home holds its trusted keys, history, downloads and extensions. */
    record Machine(Path home, CatalogHistory history) {
        static Machine in(Path dir, String name) throws IOException {
            Path home = Files.createDirectories(dir.resolve(name));
            return new Machine(home, CatalogHistory.inHome(home));
        }

        TrustStore trust() {
            return new TrustStore(home);
        }

        Path marker() {
            return home.resolve("handler-ran.txt");
        }

        Path downloads() {
            return home.resolve("downloads");
        }

        Path extensions() {
            return home.resolve("extensions");
        }
    }

    /** What the agent reports: Succeeded, or Failed with PackageVerificationFailed and a reason. */
    record Outcome(boolean succeeded, ErrorCode errorCode, VerificationFailure reason, String message) {
    }

    final PackageVerifier verifier;
    final PackageDownloader downloader;
    final Path cacheRoot;

    AgentInstallHarness(Path cacheRoot, ArchiveLimits limits, Clock clock, PackageDownloader.Settings download) {
        this.cacheRoot = cacheRoot;
        this.verifier = new PackageVerifier(cacheRoot, limits, clock);
        this.downloader = new PackageDownloader(java.net.http.HttpClient.newHttpClient(), download);
    }

    static PackageDownloader.Settings fastDownloads() {
        return new PackageDownloader.Settings(Duration.ofMillis(300), Duration.ofSeconds(2), 10,
                Duration.ofMillis(1), Duration.ofMillis(5), null);
    }

    Outcome install(Machine machine, URI catalogUrl, URI packageUrl, String version) {
        return install(machine, catalogUrl, packageUrl, new ExtensionId(TestPackages.PUBLISHER, TestPackages.TYPE), version, 0);
    }

    Outcome install(Machine machine, URI catalogUrl, URI packageUrl, ExtensionId extension, String version,
                    long minimumCatalogVersion) {
        try {
            byte[] catalogBytes = downloader.downloadCatalog(catalogUrl);
            TrustedKeys keys = machine.trust().keys();
            VerifiedCatalog catalog = verifier.checkCatalog(catalogBytes, keys, machine.history(), minimumCatalogVersion);
            Catalog.PackageEntry entry = catalog.require(extension, version);
            Files.createDirectories(machine.downloads());
            Path download = machine.downloads().resolve(entry.zip().sha256() + ".zip");
            PackageVerifier.VerifiedPackage verified;
            try {
                DownloadedPackage zip = downloader.download(packageUrl, entry.zip().length(), download);
                verified = verifier.checkPackage(entry, zip);
            } finally {
                Files.deleteIfExists(download);
            }
            Path folder = machine.extensions().resolve(extension.dotted() + "-" + version);
            SafeExtractor.copyVerified(verified.directory(), folder);
            runHandler(folder, verified.manifest().installCommand(), machine.marker());
            return new Outcome(true, null, null, "installed");
        } catch (VerificationException e) {
            return new Outcome(false, ErrorCode.PackageVerificationFailed, e.reason(), e.getMessage());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void runHandler(Path folder, String command, Path marker) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put(TestPackages.MARKER_ENV, marker.toString());
        Process process = builder.start();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("handler failed: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Files a refused install may not leave: the shared cache, the machine's extensions and downloads. */
    List<Path> leftOnDisk(Machine machine) throws IOException {
        List<Path> left = new java.util.ArrayList<>();
        for (Path dir : List.of(cacheRoot, machine.extensions(), machine.downloads())) {
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.filter(p -> !p.equals(dir)).forEach(left::add);
                }
            }
        }
        return left;
    }
}
