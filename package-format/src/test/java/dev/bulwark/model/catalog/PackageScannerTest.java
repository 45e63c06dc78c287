package dev.bulwark.model.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;

import static dev.bulwark.model.catalog.TestKit.Entry;
import static dev.bulwark.model.catalog.TestKit.zip;
import static org.assertj.core.api.Assertions.assertThat;

class PackageScannerTest {
    private static final byte[] EICAR = PackageScanner.eicarTestFile();

    @TempDir
    Path tmp;

    @Test
    void theTestFileIsTheStandardOne() {
        assertThat(EICAR).hasSize(68);
        assertThat(Sha256.hex(EICAR)).isEqualTo("275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
    }

    @Test
    void aCleanPackageIsClean() throws Exception {
        PackageScanner.ScanResult result = PackageScanner.builtIn().scan(write(zip(TestKit.validPackageEntries())));

        assertThat(result.status()).isEqualTo(PackageScanner.Status.CLEAN);
        assertThat(result.engines()).containsExactly("bulwark-eicar");
    }

    @Test
    void eicarInAStoredEntryIsFound() throws Exception {
        assertInfected(zip(new Entry("docs/test.com", EICAR, ZipArchive.STORED, ZipWriter.MODE_FILE)), "docs/test.com");
    }

    @Test
    void eicarInADeflatedEntryIsFoundAfterDecompression() throws Exception {
        assertInfected(zip(new Entry("bin/tool", padded(EICAR), ZipArchive.DEFLATED, ZipWriter.MODE_EXECUTABLE)), "bin/tool");
    }

    @Test
    void eicarSplitAcrossReadBuffersIsFound() throws Exception {
        byte[] data = new byte[200_000];
        System.arraycopy(EICAR, 0, data, 64 * 1024 - 30, EICAR.length);

        assertInfected(zip(new Entry("big.bin", data, ZipArchive.DEFLATED, ZipWriter.MODE_FILE)), "big.bin");
    }

    @Test
    void eicarInANestedZipIsFound() throws Exception {
        byte[] inner = zip(new Entry("deep/eicar.txt", EICAR, ZipArchive.DEFLATED, ZipWriter.MODE_FILE));
        byte[] middle = zip(new Entry("lib/inner.jar", inner, ZipArchive.DEFLATED, ZipWriter.MODE_FILE));

        assertInfected(zip(new Entry("plugins/middle.zip", middle, ZipArchive.DEFLATED, ZipWriter.MODE_FILE)),
                "plugins/middle.zip!/lib/inner.jar!/deep/eicar.txt");
    }

    @Test
    void eicarInAGzipEntryIsFound() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(padded(EICAR));
        }

        assertInfected(zip(new Entry("payload.tar.gz", gz.toByteArray(), ZipArchive.STORED, ZipWriter.MODE_FILE)), "payload.tar.gz!");
    }

    @Test
    void anArchiveTheAgentWouldRefuseCannotBeScannedAndFailsClosed() throws Exception {
        byte[] bytes = zip(Entry.file("a", "1"), Entry.file("a", "2"));

        PackageScanner.ScanResult result = PackageScanner.builtIn().scan(write(bytes));

        assertThat(result.status()).isEqualTo(PackageScanner.Status.FAILED);
        assertThat(result.findings()).anySatisfy(f -> assertThat(f).contains("DuplicateArchiveEntry"));
    }

    @Test
    void clamscanIsRunWhenConfiguredAndItsVerdictCounts() throws Exception {
        Skip.unless(Files.getFileStore(tmp).supportsFileAttributeView("posix") && Files.isExecutable(Path.of("/bin/sh")),
                "needs /bin/sh to stand in for clamscan");
        Path infected = fakeClamscan("echo \"$4: Win.Test.EICAR_HDB-1 FOUND\"; exit 1");
        Path broken = fakeClamscan("echo 'LibClamAV Error: no database'; exit 2");
        Path clean = fakeClamscan("exit 0");
        Path zip = write(zip(TestKit.validPackageEntries()));

        PackageScanner.ScanResult found = new PackageScanner(infected, Duration.ofSeconds(10), ArchiveLimits.DEFAULTS).scan(zip);
        PackageScanner.ScanResult failed = new PackageScanner(broken, Duration.ofSeconds(10), ArchiveLimits.DEFAULTS).scan(zip);
        PackageScanner.ScanResult passed = new PackageScanner(clean, Duration.ofSeconds(10), ArchiveLimits.DEFAULTS).scan(zip);

        assertThat(found.status()).isEqualTo(PackageScanner.Status.INFECTED);
        assertThat(found.findings()).singleElement().asString().contains("Win.Test.EICAR_HDB-1 FOUND");
        assertThat(failed.status()).isEqualTo(PackageScanner.Status.FAILED);
        assertThat(passed.status()).isEqualTo(PackageScanner.Status.CLEAN);
        assertThat(passed.engines()).containsExactly("bulwark-eicar", "clamscan");
    }

    @Test
    void clamscanIsFoundOnThePath() throws Exception {
        Skip.unless(Files.getFileStore(tmp).supportsFileAttributeView("posix"), "needs POSIX modes to make a fake clamscan");
        Path fake = fakeClamscan("exit 0");

        assertThat(PackageScanner.findOnPath("clamscan", "/nonexistent" + java.io.File.pathSeparator + fake.getParent()))
                .contains(fake);
        assertThat(PackageScanner.findOnPath("clamscan", "/nonexistent")).isEmpty();
    }

    private void assertInfected(byte[] zip, String where) throws Exception {
        PackageScanner.ScanResult result = PackageScanner.builtIn().scan(write(zip));

        assertThat(result.status()).isEqualTo(PackageScanner.Status.INFECTED);
        assertThat(result.findings()).anySatisfy(f -> assertThat(f).contains(where));
    }

    private static byte[] padded(byte[] eicar) {
        byte[] out = new byte[eicar.length + 1000];
        java.util.Arrays.fill(out, (byte) 'x');
        System.arraycopy(eicar, 0, out, 500, eicar.length);
        return out;
    }

    private Path fakeClamscan(String body) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "bin");
        Path script = dir.resolve("clamscan");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private Path write(byte[] bytes) throws Exception {
        return Files.write(Files.createTempFile(tmp, "pkg", ".zip"), bytes);
    }
}
