package dev.bulwark.sim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.Json;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CI-sized fault suite: {@code ./bulwark chaos} as a user runs it, on 100 simulated machines and a few hundred
 * operations, the agent host, the cloud, the Kafka broker and PostgreSQL each killed with SIGKILL once (seeded) and
 * started again on their data. Nothing may be lost, duplicated, wrong or left unfinished, the outbox must be empty
 * and the canary protected setting nowhere in plaintext. Recovery times are printed, not asserted (shared machine).
 */
class ChaosTest {

    @Test
    void everyProcessKilledOnceLosesAndDuplicatesNothingAndLeaksNoCanary() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Path json = target.resolve("chaos/report.json");

        int exit = new CommandLine(new SimMain()).execute("chaos", "--operations", "300", "--machines", "100",
                "--seed", "20261202", "--work", target.resolve("chaos/work").toString(), "--json", json.toString());

        JsonNode report = Json.MAPPER.readTree(json.toFile());
        assertThat(exit).as("chaos exit code; its report: %s", report.toPrettyString()).isZero();
        assertThat(report.path("operations").asInt()).isGreaterThanOrEqualTo(300);
        assertThat(report.path("correct").asInt()).isEqualTo(report.path("operations").asInt());
        assertThat(report.path("lost").asInt(-1)).isZero();
        assertThat(report.path("duplicated").asInt(-1)).isZero();
        assertThat(report.path("wrong").asInt(-1)).isZero();
        assertThat(report.path("notFinal").asInt(-1)).isZero();
        assertThat(report.path("outboxRows").asInt(-1)).isZero();
        assertThat(report.path("canaryFound").isBoolean()).isTrue();
        assertThat(report.path("canaryFound").asBoolean(true)).isFalse();
        assertThat(report.path("seed").asLong()).isEqualTo(20261202L);
        List<String> killed = new ArrayList<>();
        for (JsonNode kill : report.path("kills")) {
            killed.add(kill.path("process").asText());
            assertThat(kill.path("recoverySeconds").isNumber()).as("%s came back", kill).isTrue();
            assertThat(kill.path("pid").asLong()).isPositive();
        }
        assertThat(killed).containsExactlyInAnyOrder("agent-host", "cloud", "kafka", "postgresql");
        assertThat(report.path("passed").asBoolean()).isTrue();
    }
}
