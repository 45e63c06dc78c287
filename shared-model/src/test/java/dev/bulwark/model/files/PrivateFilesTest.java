package dev.bulwark.model.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Atomic private writes: one temporary file per write, never left behind, whatever happens; modes from the first byte. */
class PrivateFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesReplaceTheFileAndLeaveNothingElseBehindInFoldersCreatedOnFirstUse() throws Exception {
        Path file = dir.resolve("a/b/state.json");

        PrivateFiles.write(file, bytes("first"), false);
        PrivateFiles.write(file, bytes("second"), true);

        assertThat(Files.readString(file)).isEqualTo("second");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("a"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(namesIn(file.getParent())).containsExactly("state.json");
    }

    @Test
    void aRefusedWriteLeavesTheOtherUsersFileAndNoTemporaryFile() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give the file away");
        Path file = dir.resolve("localconfig.json");
        PrivateFiles.write(file, bytes("theirs"), false);
        Files.setAttribute(file, "unix:uid", 4321);

        assertThatThrownBy(() -> PrivateFiles.write(file, bytes("ours"), false))
                .isInstanceOf(PrivateFiles.FileOwnershipException.class).hasMessageContaining("uid 4321");

        assertThat(Files.readString(file)).isEqualTo("theirs");
        assertThat(namesIn(dir)).containsExactly("localconfig.json");
    }

    @Test
    void aWorldReadableFileIs0644AndReplacesAPrivateOne() throws Exception {
        Path file = dir.resolve("ca.pem");
        PrivateFiles.write(file, bytes("old"), false);

        PrivateFiles.writeWorldReadable(file, bytes("certificate"), true);

        assertThat(Files.readString(file)).isEqualTo("certificate");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(namesIn(dir)).containsExactly("ca.pem");
    }

    @Test
    void writeNewNeverReplacesAFileAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("keys/signing.key");
        PrivateFiles.writeNew(file, bytes("first key"), PrivateFiles.OWNER_READ_WRITE, true);

        assertThatThrownBy(() -> PrivateFiles.writeNew(file, bytes("second key"), PrivateFiles.OWNER_READ_WRITE, false))
                .isInstanceOf(FileAlreadyExistsException.class);

        assertThat(Files.readString(file)).isEqualTo("first key");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(namesIn(file.getParent())).containsExactly("signing.key");
    }

    @Test
    void aWriteIntoAFolderThatCannotHoldItFailsWithoutTouchingTheTarget() throws Exception {
        Path file = dir.resolve("state.json");
        PrivateFiles.write(file, bytes("kept"), true);
        Path notAFolder = dir.resolve("state.json/child.json");

        assertThatThrownBy(() -> PrivateFiles.write(notAFolder, bytes("lost"), true)).isInstanceOf(java.io.IOException.class);

        assertThat(Files.readString(file)).isEqualTo("kept");
        assertThat(namesIn(dir)).containsExactly("state.json");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static java.util.List<String> namesIn(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
