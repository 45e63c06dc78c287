package dev.bulwark.sim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.Json;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CI-sized fleet-sim run: {@code sim bench} as a user runs it, on 2,000 simulated machines split over two
 * agent hosts by partition, against the packaged cloud service on real Kafka and PostgreSQL. It checks
 * correctness only (every outcome right, none lost or duplicated, one Started and one outcome event each);
 * the figures it prints are not asserted, because this machine is shared.
 */
class SimBenchTest {
    private static final int MACHINES = 2_000;

    @Test
    void aFleetWideInstallOnTwoThousandMachinesEndsWithEveryOutcomeRight() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Path json = target.resolve("sim-bench/report.json");

        int exit = new CommandLine(new SimMain()).execute("bench", "--machines", Integer.toString(MACHINES),
                "--agent-hosts", "2", "--partitions", "8", "--warm-up", "500", "--work", target.resolve("sim-bench/work").toString(),
                "--json", json.toString());

        assertThat(exit).as("sim bench exit code (its output above says why)").isZero();
        JsonNode report = Json.MAPPER.readTree(json.toFile());
        assertThat(report.path("machines").asInt()).isEqualTo(MACHINES);
        assertThat(report.path("operations").asInt()).isEqualTo(MACHINES);
        assertThat(report.path("wrong").asInt(-1)).isZero();
        assertThat(report.path("lost").asInt(-1)).isZero();
        assertThat(report.path("duplicated").asInt(-1)).isZero();
        assertThat(report.path("agentHosts").asInt()).isEqualTo(2);
        assertThat(report.path("baselineSeconds").asDouble()).isPositive();
        assertThat(report.path("heapUsedBytes").asLong()).isPositive();
        assertThat(Path.of(report.path("chart").asText())).isRegularFile();
        assertThat(Files.size(Path.of(report.path("chart").asText()))).isPositive();
    }
}
