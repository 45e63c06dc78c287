package dev.bulwark.agent.guest;

import dev.bulwark.agent.config.LocalConfig;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.GuestAssignment.Rule;
import dev.bulwark.model.GuestAssignment.RuleKind;
import dev.bulwark.model.GuestComplianceReport.RuleResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The audit rules on their own: what they read, what they refuse, and that a reason never carries content. */
class GuestRulesTest {
    @TempDir
    Path dir;

    private GuestRules rules() {
        return new GuestRules(List.of(dir.resolve("agent-home")));
    }

    @Test
    void onlyTheFirstMebibyteIsSearched() throws Exception {
        byte[] content = new byte[GuestRules.MAX_BYTES_READ + 100];
        Arrays.fill(content, (byte) 'a');
        byte[] late = "NEEDLE".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(late, 0, content, GuestRules.MAX_BYTES_READ + 10, late.length);
        Path big = Files.write(dir.resolve("big"), content);

        RuleResult result = rules().evaluate(new Rule("r", RuleKind.FileContains, big.toString(), "NEEDLE"));

        assertThat(result.compliant()).isFalse();
        assertThat(result.reason()).contains("first " + GuestRules.MAX_BYTES_READ + " bytes");
    }

    @Test
    void relativePathsEmptyPatternsAndMissingKindsAreRefused() {
        assertThat(rules().evaluate(new Rule("a", RuleKind.FileAbsent, "tmp/x", null)).reason()).contains("not an absolute path");
        assertThat(rules().evaluate(new Rule("b", RuleKind.FileContains, dir.toString(), "")).reason()).contains("rule refused");
        assertThat(rules().evaluate(new Rule("c", null, "/", null)).reason()).contains("no kind");
        assertThat(rules().evaluate(new Rule("d", RuleKind.FileExists, null, null)).compliant()).isFalse();
    }

    @Test
    void aPipeOrADeviceIsNeverOpened() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo available").isTrue();

        // Reading a pipe nobody writes to would block for ever; the rule answers at once instead.
        assertThat(rules().evaluate(new Rule("p", RuleKind.FileContains, fifo.toString(), "x")).reason())
                .isEqualTo(fifo + " is not a regular file");
        assertThat(rules().evaluate(new Rule("z", RuleKind.FileContains, "/dev/zero", "x")).reason())
                .isEqualTo("/dev/zero is not a regular file");
    }

    @Test
    void theAgentsOwnFilesAreNeverReadEvenThroughALink() throws Exception {
        Path home = Files.createDirectories(dir.resolve("agent-home"));
        Path keys = Files.writeString(home.resolve("machine-keys.json"), "{\"signingPrivate\":\"secret\"}");
        Path link = Files.createSymbolicLink(dir.resolve("innocent"), keys);

        for (Path path : List.of(keys, link)) {
            RuleResult result = rules().evaluate(new Rule("k", RuleKind.FileContains, path.toString(), "secret"));
            assertThat(result.compliant()).isFalse();
            assertThat(result.reason()).contains("agent's own files").doesNotContain("secret\"");
        }
        assertThat(rules().evaluate(new Rule("e", RuleKind.FileExists, keys.toString(), null)).compliant()).isTrue();
    }

    @Test
    void aBrokenLocalConfigurationFailsClosed() {
        GuestAssignment assignment = new GuestAssignment(1, "id", "m", "n", List.of(new Rule("r", RuleKind.FileExists, "/", null)),
                false, Instant.now(), null);

        GuestEvaluator.Evaluation evaluation = new GuestEvaluator(rules()).evaluate(assignment,
                LocalConfig.parse("{\"guestconfiguration.enabled\": \"maybe\"}".getBytes(StandardCharsets.UTF_8)));

        assertThat(evaluation.complianceStatus()).isEqualTo("NotEvaluated");
        assertThat(evaluation.errorCode()).isEqualTo("LocalConfigurationInvalid");
        assertThat(evaluation.rules()).isEmpty();
    }
}
