package dev.bulwark.agent.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Atomic private writes: one temporary file per write, never left behind, whatever happens. */
class SecureFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesReplaceTheFileAndLeaveNothingElseBehindInFoldersCreatedOnFirstUse() throws Exception {
        Path file = dir.resolve("a/b/state.json");

        SecureFiles.writeAtomically(file, bytes("first"), false);
        SecureFiles.writeAtomically(file, bytes("second"), true);

        assertThat(Files.readString(file)).isEqualTo("second");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("a"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(namesIn(file.getParent())).containsExactly("state.json");
    }

    @Test
    void aRefusedWriteLeavesTheOtherUsersFileAndNoTemporaryFile() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give the file away");
        Path file = dir.resolve("localconfig.json");
        SecureFiles.writeAtomically(file, bytes("theirs"), false);
        Files.setAttribute(file, "unix:uid", 4321);

        assertThatThrownBy(() -> SecureFiles.writeAtomically(file, bytes("ours"), false))
                .isInstanceOf(SecureFiles.FileOwnershipException.class).hasMessageContaining("uid 4321");

        assertThat(Files.readString(file)).isEqualTo("theirs");
        assertThat(namesIn(dir)).containsExactly("localconfig.json");
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
