package dev.bulwark.model.catalog;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HandlerManifestTest {
    private static final Set<String> FILES = Set.of("HandlerManifest.json", "scripts/install.sh", "scripts/uninstall.sh",
            "scripts/enable.sh", "scripts/disable.sh", "bin/handler", "handler");
    private static final String RULE = "a command must be a path to a file in the package (bin/handler install)";

    @Test
    void readsTheAzureFormat() throws Exception {
        HandlerManifest manifest = HandlerManifest.parse(TestKit.MANIFEST.getBytes(StandardCharsets.UTF_8));
        manifest.validate(FILES);

        assertThat(manifest.installCommand()).isEqualTo("scripts/install.sh");
        assertThat(manifest.updateMode()).isEqualTo("UpdateWithInstall");
        assertThat(manifest.ownService()).isFalse();
        assertThat(manifest.commands()).containsKeys("installCommand", "enableCommand", "updateCommand",
                "disableCommand", "uninstallCommand");
        assertThat(manifest.argv("installCommand")).containsExactly("scripts/install.sh");
    }

    @Test
    void readsASingleObjectWithOwnServiceAndALeadingDotSlash() throws Exception {
        HandlerManifest manifest = HandlerManifest.parse(json("""
                {"handlerManifest": {"installCommand": "scripts/install.sh", "uninstallCommand": "./bin/handler uninstall",
                 "updateCommand": "bin/handler update", "enableCommand": "./handler  enable --verbose ",
                 "disableCommand": "bin/handler disable", "ownService": true}}"""));
        manifest.validate(FILES);

        assertThat(manifest.ownService()).isTrue();
        assertThat(manifest.argv("uninstallCommand")).containsExactly("bin/handler", "uninstall");
        assertThat(manifest.argv("enableCommand")).containsExactly("handler", "enable", "--verbose");
        assertThatThrownBy(() -> manifest.argv("enable")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aProgramWithoutASlashIsAFileAtThePackageRoot() throws Exception {
        withInstall("handler install").validate(FILES);

        assertInvalid(() -> withInstall("handler install").validate(Set.of("bin/handler")),
                "installCommand runs 'handler', which is not a file in the package: " + RULE);
    }

    @Test
    void aBareProgramNameIsRefused() {
        assertInvalid(() -> withInstall("sh -c evil").validate(FILES),
                "HandlerManifest.json installCommand runs 'sh', which is not a file in the package: " + RULE);
        assertInvalid(() -> withInstall("python3 main.py").validate(FILES), "runs 'python3', which is not a file in the package");
        assertInvalid(() -> withInstall("./bash").validate(FILES), "runs 'bash', which is not a file in the package");
    }

    @Test
    void aCommandOutsideThePackageIsRefused() {
        assertInvalid(() -> withInstall("../../usr/bin/evil").validate(FILES),
                "installCommand runs '../../usr/bin/evil', which climbs out of the package with '..': " + RULE);
        assertInvalid(() -> withInstall("/bin/sh -c evil").validate(FILES), "runs '/bin/sh', which is an absolute path");
        assertInvalid(() -> withInstall("./../x").validate(FILES), "climbs out of the package");
        assertInvalid(() -> withInstall("bin/../bin/handler").validate(FILES), "climbs out of the package");
        assertInvalid(() -> withInstall("././bin/handler").validate(FILES), "has a '.' segment");
        assertInvalid(() -> withInstall("bin//handler").validate(FILES), "empty path segment");
        assertInvalid(() -> withInstall("C:/evil.exe").validate(FILES), "colon");
        assertInvalid(() -> withInstall("bin/ install").validate(FILES), "is a folder");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scripts\\install.sh", "bin/handler \"enable\"", "bin/handler 'a b'", "bin/handler `id`",
            "bin/handler a\\ b", "\"bin/handler\" install"})
    void quotesAndBackslashesAreRefused(String command) {
        assertInvalid(() -> withInstall(command).validate(FILES), "has a quote or a backslash: commands run without a shell");
        assertInvalid(() -> HandlerManifest.split(command), "has a quote or a backslash");
    }

    @Test
    void aCommandNamingAMissingFileIsRefused() {
        assertInvalid(() -> withInstall("scripts/missing.sh").validate(FILES),
                "installCommand runs 'scripts/missing.sh', which is not a file in the package");
    }

    @Test
    void aMultiLineOrOddlySpacedCommandIsRefused() {
        assertInvalid(() -> withInstall("bin/handler install\nrm -rf /").validate(FILES), "one line");
        assertInvalid(() -> withInstall("bin/handler\tinstall").validate(FILES), "one line");
        assertInvalid(() -> withInstall("bin/handler\u0085install").validate(FILES), "one line");
        assertInvalid(() -> withInstall("bin/handler\u00a0install").validate(FILES), "plain spaces");
        assertInvalid(() -> withInstall("bin/handler " + "x".repeat(1024)).validate(FILES), "at most 1024");
        assertInvalid(() -> withInstall("   ").validate(FILES), "has no installCommand");
    }

    @Test
    void splitGivesTheProgramPathAndItsArguments() throws Exception {
        assertThat(HandlerManifest.split("  ./bin/handler   enable --verbose=2 ")).containsExactly("bin/handler", "enable", "--verbose=2");
        assertThat(HandlerManifest.split("handler")).containsExactly("handler");
        assertThat(HandlerManifest.split("bin/handler a;b $HOME > out")).containsExactly("bin/handler", "a;b", "$HOME", ">", "out");
        assertInvalid(() -> HandlerManifest.split("../x"), "command runs '../x', which climbs out of the package");
        assertInvalid(() -> HandlerManifest.split(null), "has no command");
    }

    @Test
    void malformedManifestsAreRefused() {
        assertInvalid(() -> HandlerManifest.parse(json("""
                [{"handlerManifest": {"installCommand": "bin/handler install"}}]""")).validate(FILES), "has no");
        assertInvalid(() -> HandlerManifest.parse(json("not json")), "not valid JSON");
        assertInvalid(() -> HandlerManifest.parse(json("[]")), "exactly one handler");
        assertInvalid(() -> HandlerManifest.parse(json("{\"version\": 1}")), "no handlerManifest");
        assertInvalid(() -> HandlerManifest.parse(json("{\"handlerManifest\": {\"installCommand\": \"a\", \"installCommand\": \"b\"}}")),
                "not valid JSON");
    }

    /** Whatever the text, a command validate accepts runs a file of the package with plain arguments. */
    @Property(tries = 2000)
    void anAcceptedCommandRunsAFileOfThePackage(@ForAll("commands") String command) {
        HandlerManifest manifest = withInstall(command);
        List<String> argv;
        try {
            manifest.validate(FILES);
            argv = manifest.argv("installCommand");
        } catch (VerificationException e) {
            assertThat(e.reason()).isEqualTo(VerificationFailure.HandlerManifestInvalid);
            assertThat(e.getMessage()).startsWith("HandlerManifest.json ");
            return;
        }
        assertThat(FILES).contains(argv.get(0));
        assertThat(ArchivePaths.problem(argv.get(0))).isNull();
        assertThat(argv).allSatisfy(word -> assertThat(word).isNotEmpty().doesNotContain(" ", "\"", "'", "\\", "\n", "\t"));
        assertThat(String.join(" ", argv)).isEqualTo(command.strip().replaceFirst("^\\./", "").replaceAll(" +", " "));
    }

    /** Joining a package file and plain words with spaces, then splitting, gives them back. */
    @Property(tries = 500)
    void splitUndoesJoin(@ForAll("files") String program, @ForAll("words") List<String> args, @ForAll boolean dotSlash) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(args);

        String command = (dotSlash ? "./" : "") + String.join(" ", argv);
        withInstall(command).validate(FILES);

        assertThat(HandlerManifest.split(command)).isEqualTo(argv);
    }

    @Provide
    Arbitrary<String> commands() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of("bin/handler", "handler", "scripts/install.sh", "./", "../", "/", ".", "..", "sh", "-c",
                        " ", "  ", "\"", "'", "\\", "`", "\t", "\n", "\u00a0", "\u0085", "bin/", "x", ":", "C:", "é"),
                Arbitraries.strings().ofMaxLength(4));
        return pieces.list().ofMaxSize(6).map(list -> String.join("", list));
    }

    @Provide
    Arbitrary<String> files() {
        return Arbitraries.of("bin/handler", "handler", "scripts/install.sh");
    }

    @Provide
    Arbitrary<List<String>> words() {
        return Arbitraries.strings().withCharRange('!', '~').excludeChars('"', '\'', '`', '\\').ofMinLength(1).ofMaxLength(8)
                .list().ofMaxSize(4);
    }

    private static HandlerManifest withInstall(String install) {
        return new HandlerManifest(install, "bin/handler uninstall", "bin/handler update", "bin/handler enable",
                "bin/handler disable", false, false, false, null, false);
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertInvalid(CatalogVerifierTest.ThrowingCall call, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(VerificationException.class, e -> {
            assertThat(e.reason()).isEqualTo(VerificationFailure.HandlerManifestInvalid);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
