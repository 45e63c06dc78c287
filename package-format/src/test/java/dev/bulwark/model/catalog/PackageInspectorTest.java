package dev.bulwark.model.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.bulwark.model.catalog.PackageBuilderTest.assertRefused;
import static dev.bulwark.model.catalog.TestKit.Entry;
import static dev.bulwark.model.catalog.TestKit.zip;
import static org.assertj.core.api.Assertions.assertThat;

/** Publishing intake, the call the cloud makes on upload and {@code publisher sign} makes offline. */
class PackageInspectorTest {
    private final PackageInspector inspector = new PackageInspector(PackageScanner.builtIn(), ArchiveLimits.DEFAULTS);

    @TempDir
    Path tmp;

    @Test
    void aPackedFolderPassesAndItsListingIsTheCatalogEntry() throws Exception {
        PackageBuilder.Result packed = PackageBuilder.pack(TestKit.extensionDir(tmp), TestKit.identity(), tmp.resolve("p.zip"));

        PackageInspector.Inspection inspection = inspector.inspect(packed.zip(), null);

        Catalog.PackageEntry entry = inspection.entry();
        assertThat(entry.label()).isEqualTo("Contoso.Monitoring/ContosoAgent 1.2.0");
        assertThat(entry.zip()).isEqualTo(packed.digest());
        assertThat(entry.files()).extracting(Catalog.FileEntry::path).contains("HandlerManifest.json", "scripts/install.sh");
        assertThat(entry.files()).filteredOn(f -> f.path().equals("README.md")).singleElement()
                .satisfies(f -> assertThat(f.sha256()).isEqualTo(Sha256.hex("Contoso agent\n".getBytes())));
        assertThat(inspection.scan().clean()).isTrue();
    }

    @Test
    void eicarInsideAPublishedPackageIsRefused() throws Exception {
        List<Entry> entries = new ArrayList<>(List.of(TestKit.validPackageEntries()));
        entries.add(new Entry("tools/helper.bin", PackageScanner.eicarTestFile(), ZipArchive.DEFLATED, ZipWriter.MODE_FILE));
        Path zip = write(zip(entries.toArray(Entry[]::new)));

        assertRefused(() -> inspector.inspect(zip, null), VerificationFailure.MalwareDetected, "EICAR test file in tools/helper.bin");
    }

    @Test
    void anUnsafeArchiveIsRefusedNamingTheEntry() throws Exception {
        List<Entry> entries = new ArrayList<>(List.of(TestKit.validPackageEntries()));
        entries.add(Entry.file("../../etc/cron.d/evil", "* * * * * root sh -c evil"));
        Path zip = write(zip(entries.toArray(Entry[]::new)));

        assertRefused(() -> inspector.inspect(zip, null), VerificationFailure.UnsafeArchiveEntry, "'../../etc/cron.d/evil'");
    }

    @Test
    void anUploadForAnotherIdentityIsRefused() throws Exception {
        Path zip = write(zip(TestKit.validPackageEntries()));

        assertRefused(() -> inspector.inspect(zip, PackageIdentity.of("Contoso.Monitoring", "ContosoAgent", "9.9.9")),
                VerificationFailure.PackageIdentityInvalid, "but is published as");
    }

    @Test
    void theCloudMayNameTheIdentityOfAPackageWithoutIdentityFile() throws Exception {
        List<Entry> entries = new ArrayList<>(List.of(TestKit.validPackageEntries()));
        entries.remove(0);
        Path zip = write(zip(entries.toArray(Entry[]::new)));

        assertRefused(() -> inspector.inspect(zip, null), VerificationFailure.PackageIdentityInvalid, "no BulwarkPackage.json");
        assertThat(inspector.inspect(zip, TestKit.identity()).entry().version()).isEqualTo("1.2.0");
    }

    @Test
    void aPackageWithoutManifestIsRefused() throws Exception {
        Path zip = write(zip(TestKit.identityEntry(), Entry.file("run.sh", "echo")));

        assertRefused(() -> inspector.inspect(zip, null), VerificationFailure.HandlerManifestInvalid, "has no HandlerManifest.json");
    }

    @Test
    void theUncheckedListingShowsWhatACarelessToolSees() throws Exception {
        Path zip = write(zip(TestKit.identityEntry(), Entry.file("../evil.sh", "evil"), Entry.file("a.txt", "1"),
                Entry.file("a.txt", "2")));

        Catalog.PackageEntry entry = PackageInspector.listUnchecked(zip);

        assertThat(entry.files()).extracting(Catalog.FileEntry::path).containsExactly("BulwarkPackage.json", "../evil.sh", "a.txt");
        assertThat(entry.files().get(2).sha256()).isEqualTo(Sha256.hex("1".getBytes()));
    }

    private Path write(byte[] bytes) throws Exception {
        return Files.write(Files.createTempFile(tmp, "pkg", ".zip"), bytes);
    }
}
