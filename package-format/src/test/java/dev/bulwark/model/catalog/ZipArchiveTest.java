package dev.bulwark.model.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static dev.bulwark.model.catalog.TestKit.Entry;
import static dev.bulwark.model.catalog.TestKit.zip;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveEntryLengthMismatch;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveMalformed;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveRatioTooHigh;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveTooLarge;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveTooManyEntries;
import static dev.bulwark.model.catalog.VerificationFailure.DuplicateArchiveEntry;
import static dev.bulwark.model.catalog.VerificationFailure.UnsafeArchiveEntry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict reader: what it accepts (JDK and Bulwark ZIPs) and every structural trick it refuses. */
class ZipArchiveTest {
    @TempDir
    Path dir;

    @Test
    void readsJdkZipsWithDataDescriptorsAndDigestsEveryEntry() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("dir/"));
            out.putNextEntry(new ZipEntry("dir/a.txt"));
            out.write("hello".getBytes(StandardCharsets.UTF_8));
            ZipEntry stored = new ZipEntry("b.bin");
            stored.setMethod(ZipEntry.STORED);
            stored.setSize(3);
            stored.setCrc(crc(new byte[] {1, 2, 3}));
            out.putNextEntry(stored);
            out.write(new byte[] {1, 2, 3});
        }

        try (ZipArchive archive = ZipArchive.open(write(bytes.toByteArray()), ArchiveLimits.DEFAULTS)) {
            assertThat(archive.entries()).extracting(ZipArchive.Entry::name).containsExactly("dir/", "dir/a.txt", "b.bin");
            Catalog.Digest digest = archive.copy(archive.entries().get(1), OutputStream.nullOutputStream(), 5);
            assertThat(digest).isEqualTo(new Catalog.Digest(5, Sha256.hex("hello".getBytes(StandardCharsets.UTF_8))));
            assertThat(archive.read(archive.entries().get(2), 10)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void zipWriterOutputIsReadByTheJdkToo() throws Exception {
        Path file = write(zip(TestKit.validPackageEntries()));

        try (ZipFile jdk = new ZipFile(file.toFile())) {
            assertThat(new String(jdk.getInputStream(jdk.getEntry("HandlerManifest.json")).readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(TestKit.MANIFEST);
        }
        try (ZipArchive archive = ZipArchive.open(file, ArchiveLimits.DEFAULTS)) {
            assertThat(archive.entries()).hasSize(6);
        }
    }

    @Test
    void dataAppendedAfterTheEndRecordIsRefused() throws Exception {
        byte[] bytes = new ZipSurgery(zip(Entry.file("a.txt", "a"))).append("trailing").bytes;

        assertRefused(bytes, ArchiveMalformed, "no end-of-central-directory record ends the file");
    }

    @Test
    void anEntryPrependedOutsideTheCentralDirectoryIsRefused() throws Exception {
        byte[] hidden = zip(Entry.file("install.sh", "evil"));
        byte[] hiddenLocal = java.util.Arrays.copyOf(hidden, new ZipSurgery(hidden).centralOffset());
        byte[] visible = zip(Entry.file("install.sh", "benign"));
        byte[] combined = new byte[hiddenLocal.length + visible.length];
        System.arraycopy(hiddenLocal, 0, combined, 0, hiddenLocal.length);
        System.arraycopy(visible, 0, combined, hiddenLocal.length, visible.length);

        // The two JDK readers disagree about this archive...
        assertThat(firstStreamedContent(combined)).isEqualTo("evil");
        try (ZipFile jdk = new ZipFile(write(combined).toFile())) {
            assertThat(new String(jdk.getInputStream(jdk.getEntry("install.sh")).readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("benign");
        }
        // ...so it is refused.
        assertRefused(combined, ArchiveMalformed, "prepended");
    }

    @Test
    void bytesHiddenBetweenEntriesAreRefused() throws Exception {
        ZipSurgery zip = new ZipSurgery(zip(Entry.file("a.txt", "a"), Entry.file("b.txt", "b")));
        zip.insert(zip.local(1), "hidden".getBytes(StandardCharsets.US_ASCII));

        assertRefused(zip.bytes, ArchiveMalformed, "belong to no entry");
    }

    @Test
    void aLocalHeaderThatContradictsTheCentralDirectoryIsRefused() throws Exception {
        ZipSurgery zip = new ZipSurgery(zip(Entry.file("a.txt", "aaaa")));
        zip.putInt(zip.local(0) + ZipSurgery.LOCAL_SIZE, 99);

        assertRefused(zip.bytes, ArchiveMalformed, "readers would disagree");
    }

    @Test
    void aLocalHeaderWithAnotherNameIsRefused() throws Exception {
        ZipSurgery zip = new ZipSurgery(zip(Entry.file("a.txt", "aaaa")));
        zip.bytes[zip.local(0) + 30] = 'b';

        assertRefused(zip.bytes, ArchiveMalformed, "another name");
    }

    @Test
    void aWrongCrcIsRefusedAfterReading() throws Exception {
        ZipSurgery zip = new ZipSurgery(zip(Entry.file("a.txt", "aaaa")));
        zip.putInt(zip.local(0) + ZipSurgery.LOCAL_CRC, 1).putInt(zip.cen(0) + ZipSurgery.CEN_CRC, 1);

        try (ZipArchive archive = ZipArchive.open(write(zip.bytes), ArchiveLimits.DEFAULTS)) {
            assertThatThrownBy(() -> archive.copy(archive.entries().get(0), OutputStream.nullOutputStream(), 4))
                    .isInstanceOfSatisfying(VerificationException.class, e -> assertThat(e.reason()).isEqualTo(ArchiveMalformed));
        }
    }

    @Test
    void encryptedEntriesAndUnknownMethodsAreRefused() throws Exception {
        ZipSurgery encrypted = new ZipSurgery(zip(Entry.file("a.txt", "a")));
        encrypted.putShort(encrypted.cen(0) + ZipSurgery.CEN_FLAGS, 0x801);
        ZipSurgery bzip2 = new ZipSurgery(zip(Entry.file("a.txt", "a")));
        bzip2.putShort(bzip2.cen(0) + ZipSurgery.CEN_METHOD, 12);

        assertRefused(encrypted.bytes, ArchiveMalformed, "encrypted");
        assertRefused(bzip2.bytes, ArchiveMalformed, "compression method 12");
    }

    @Test
    void aNonAsciiNameNotMarkedUtf8IsRefused() throws Exception {
        ZipSurgery zip = new ZipSurgery(zip(Entry.file("café.txt", "a")));
        zip.putShort(zip.cen(0) + ZipSurgery.CEN_FLAGS, 0).putShort(zip.local(0) + ZipSurgery.LOCAL_FLAGS, 0);

        assertRefused(zip.bytes, UnsafeArchiveEntry, "neither marked UTF-8 nor ASCII");
    }

    @Test
    void linksAndDevicesAreRefused() throws Exception {
        byte[] link = zip(new Entry("scripts/install.sh", "/etc/passwd".getBytes(StandardCharsets.UTF_8),
                ZipArchive.STORED, ZipWriter.MODE_SYMLINK));
        byte[] device = zip(new Entry("dev", new byte[0], ZipArchive.STORED, 0020644));

        assertRefused(link, UnsafeArchiveEntry, "symbolic link");
        assertRefused(device, UnsafeArchiveEntry, "special file");
    }

    @Test
    void duplicateAndCollidingNamesAreRefused() throws Exception {
        assertRefused(zip(Entry.file("a.txt", "1"), Entry.file("a.txt", "2")), DuplicateArchiveEntry, "appears twice");
        assertRefused(zip(Entry.file("README", "1"), Entry.file("readme", "2")), DuplicateArchiveEntry, "case-insensitive");
        assertRefused(zip(Entry.file("a", "1"), Entry.file("a/b", "2")), DuplicateArchiveEntry, "also the folder");
    }

    @Test
    void limitsAreCountedOnBytesActuallyRead() throws Exception {
        byte[] zeros = new byte[4 << 20];
        Path bomb = write(zip(new Entry("zeros", zeros, ZipArchive.DEFLATED, ZipWriter.MODE_FILE)));
        ArchiveLimits tight = new ArchiveLimits(1 << 30, 1 << 20, 10, 1000, 1 << 20);

        assertCopyRefused(bomb, ArchiveLimits.DEFAULTS, Long.MAX_VALUE, ArchiveRatioTooHigh);
        assertCopyRefused(bomb, tight, Long.MAX_VALUE, ArchiveTooLarge);
        assertCopyRefused(bomb, new ArchiveLimits(1 << 30, 1L << 30, 10, 100_000, 1 << 20), 1000, ArchiveEntryLengthMismatch);
    }

    @Test
    void theEntryCountAndZipSizeAreCheckedBeforeAnythingIsRead() throws Exception {
        Path three = write(zip(Entry.file("a", "1"), Entry.file("b", "2"), Entry.file("c", "3")));

        assertThatThrownBy(() -> ZipArchive.open(three, new ArchiveLimits(1 << 20, 1 << 20, 2, 100, 0)))
                .isInstanceOfSatisfying(VerificationException.class, e -> assertThat(e.reason()).isEqualTo(ArchiveTooManyEntries));
        assertThatThrownBy(() -> ZipArchive.open(three, new ArchiveLimits(10, 1 << 20, 20, 100, 0)))
                .isInstanceOfSatisfying(VerificationException.class, e -> assertThat(e.reason()).isEqualTo(ArchiveTooLarge));
    }

    private void assertCopyRefused(Path zip, ArchiveLimits limits, long expected, VerificationFailure reason) throws IOException {
        try (ZipArchive archive = ZipArchive.open(zip, limits)) {
            CountingSink sink = new CountingSink();
            assertThatThrownBy(() -> archive.copy(archive.entries().get(0), sink, expected))
                    .isInstanceOfSatisfying(VerificationException.class, e -> assertThat(e.reason()).isEqualTo(reason));
            assertThat(sink.count).as("bytes written before stopping").isLessThanOrEqualTo(Math.min(expected, 2L << 20));
        } catch (VerificationException e) {
            throw new AssertionError(e);
        }
    }

    private void assertRefused(byte[] zip, VerificationFailure reason, String messagePart) throws IOException {
        Path file = write(zip);
        assertThatThrownBy(() -> ZipArchive.open(file, ArchiveLimits.DEFAULTS).close())
                .isInstanceOfSatisfying(VerificationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).contains(messagePart);
                });
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "archive", ".zip"), bytes);
    }

    private static String firstStreamedContent(byte[] zip) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            in.getNextEntry();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long crc(byte[] data) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        return crc.getValue();
    }

    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
