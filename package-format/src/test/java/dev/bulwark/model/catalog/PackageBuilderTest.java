package dev.bulwark.model.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PackageBuilderTest {
    @TempDir
    Path tmp;

    @Test
    void packIsDeterministicSortedAndTimestampFree() throws Exception {
        Path dir = TestKit.extensionDir(tmp);
        PackageBuilder.Result first = PackageBuilder.pack(dir, TestKit.identity(), tmp.resolve("one.zip"));
        Files.setLastModifiedTime(dir.resolve("README.md"), FileTime.fromMillis(0));
        PackageBuilder.Result second = PackageBuilder.pack(dir, TestKit.identity(), tmp.resolve("two.zip"));

        assertThat(Files.readAllBytes(second.zip())).isEqualTo(Files.readAllBytes(first.zip()));
        assertThat(first.digest()).isEqualTo(Sha256.ofFile(first.zip()));
        try (ZipArchive archive = ZipArchive.open(first.zip(), ArchiveLimits.DEFAULTS)) {
            assertThat(archive.entries()).extracting(ZipArchive.Entry::name).containsExactly(
                    "BulwarkPackage.json", "HandlerManifest.json", "README.md", "scripts/disable.sh",
                    "scripts/enable.sh", "scripts/install.sh", "scripts/uninstall.sh");
        }
        try (ZipFile jdk = new ZipFile(first.zip().toFile())) {
            assertThat(jdk.stream().map(e -> e.getTimeLocal().toString()).distinct()).containsExactly("1980-01-01T00:00");
        }
    }

    @Test
    void theOwnerExecuteBitIsKept() throws Exception {
        Path dir = TestKit.extensionDir(tmp);
        Skip.unless(Files.getFileStore(dir).supportsFileAttributeView("posix"), "needs a POSIX file system for modes");
        Path zip = PackageBuilder.pack(dir, TestKit.identity(), tmp.resolve("p.zip")).zip();

        try (ZipArchive archive = ZipArchive.open(zip, ArchiveLimits.DEFAULTS)) {
            assertThat(archive.entries()).filteredOn(ZipArchive.Entry::executable).extracting(ZipArchive.Entry::name)
                    .containsExactlyInAnyOrder("scripts/disable.sh", "scripts/enable.sh", "scripts/install.sh", "scripts/uninstall.sh");
        }
    }

    @Test
    void theIdentityFileIsWrittenFromTheArguments() throws Exception {
        Path zip = PackageBuilder.pack(TestKit.extensionDir(tmp), TestKit.identity(), tmp.resolve("p.zip")).zip();

        try (ZipArchive archive = ZipArchive.open(zip, ArchiveLimits.DEFAULTS)) {
            byte[] json = archive.read(archive.entries().get(0), 4096);
            assertThat(PackageIdentity.parse(json)).isEqualTo(TestKit.identity());
        }
    }

    @Test
    void aSymbolicLinkInTheFolderIsRefusedNamingIt() throws Exception {
        Path dir = TestKit.extensionDir(tmp);
        Path link = dir.resolve("scripts/passwd");
        try {
            Files.createSymbolicLink(link, Path.of("/etc/passwd"));
        } catch (UnsupportedOperationException | java.io.IOException e) {
            Skip.unless(false, "cannot create symbolic links here: " + e);
        }

        assertRefused(() -> PackageBuilder.pack(dir, TestKit.identity(), tmp.resolve("p.zip")),
                VerificationFailure.UnsafeArchiveEntry, "scripts/passwd is a symbolic link");
        assertThat(tmp.resolve("p.zip")).doesNotExist();
    }

    @Test
    void aFolderWithoutManifestOrWithABrokenOneIsRefused() throws Exception {
        Path dir = TestKit.extensionDir(tmp);
        Files.writeString(dir.resolve("HandlerManifest.json"), "[{\"handlerManifest\": {\"installCommand\": \"scripts/missing.sh\"}}]");
        assertRefused(() -> PackageBuilder.pack(dir, TestKit.identity(), tmp.resolve("p.zip")),
                VerificationFailure.HandlerManifestInvalid, "HandlerManifest.json");

        Files.delete(dir.resolve("HandlerManifest.json"));
        assertRefused(() -> PackageBuilder.pack(dir, TestKit.identity(), tmp.resolve("p.zip")),
                VerificationFailure.HandlerManifestInvalid, "has no HandlerManifest.json");
    }

    @Test
    void anIdentityFileInTheFolderIsRefused() throws Exception {
        Path dir = TestKit.extensionDir(tmp);
        Files.writeString(dir.resolve(PackageIdentity.FILE_NAME), "{}");

        assertRefused(() -> PackageBuilder.pack(dir, TestKit.identity(), tmp.resolve("p.zip")),
                VerificationFailure.PackageIdentityInvalid, "pack writes this file");
    }

    @Test
    void namesThatCollideOnCaseInsensitiveFileSystemsAreRefused() throws Exception {
        Path dir = TestKit.extensionDir(tmp);
        Files.writeString(dir.resolve("readme.md"), "second");
        Skip.unless(Files.list(dir).filter(p -> p.getFileName().toString().equalsIgnoreCase("readme.md")).count() == 2,
                "this file system folds case, so the two names cannot both exist");

        assertRefused(() -> PackageBuilder.pack(dir, TestKit.identity(), tmp.resolve("p.zip")),
                VerificationFailure.DuplicateArchiveEntry, "case-insensitive");
    }

    @Test
    void identityNamesAreChecked() {
        for (String bad : List.of("", "../x", "a/b", "a b")) {
            assertRefused(() -> PackageIdentity.of(bad, "T", "1.0"), VerificationFailure.PackageIdentityInvalid, "publisher, type and version");
        }
    }

    static void assertRefused(CatalogVerifierTest.ThrowingCall call, VerificationFailure reason, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(VerificationException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
