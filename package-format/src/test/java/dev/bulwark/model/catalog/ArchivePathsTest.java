package dev.bulwark.model.catalog;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArchivePathsTest {

    @ParameterizedTest
    @ValueSource(strings = {"HandlerManifest.json", "bin/handler", "scripts/", "a/b/c.txt", "données/é.txt",
            "with space/file", "file.tar.gz", ".hidden", "..dots", "a..b"})
    void safeNamesPass(String name) throws Exception {
        ArchivePaths.check(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil.sh", "a/../../evil.sh", "a/..", "/etc/cron.d/evil", "//server/share",
            "C:/Windows/evil.exe", "C:evil", "a\\..\\evil", "..\\evil", "\\evil", "a//b", "./a", "a/./b",
            "file.txt:stream", "con", "aux.txt", "dir/NUL", "trailing.", "trailing ", "", "a\u0000b", "a\nb"})
    void unsafeNamesAreRefused(String name) {
        assertThatThrownBy(() -> ArchivePaths.check(name))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(VerificationFailure.UnsafeArchiveEntry));
    }

    @ParameterizedTest
    @ValueSource(strings = {"README.md|readme.MD", "é.txt|e\u0301.txt", "dir/|DIR"})
    void collisionKeysFoldCaseAndUnicodeForm(String pair) {
        String[] names = pair.split("\\|");

        assertThat(ArchivePaths.collisionKey(names[0])).isEqualTo(ArchivePaths.collisionKey(names[1]));
    }

    @org.junit.jupiter.api.Test
    void messagesShowControlCharactersEscaped() {
        assertThat(ArchivePaths.printable("a\nforged log line")).isEqualTo("a\\x0aforged log line");
    }
}
