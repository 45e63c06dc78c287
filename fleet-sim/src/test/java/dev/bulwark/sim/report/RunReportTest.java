package dev.bulwark.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class RunReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant STARTED = Instant.parse("2025-06-01T10:00:00Z");

    private static RunReport.Builder measured() {
        return RunReport.builder("install", STARTED)
                .fleet(10_000, 2, 4)
                .throughput(10_000, 8.0)
                .latency(new LatencySummary(10_000, 120.5, 250, 480.25, 900, 1200, 150));
    }

    @Test
    void jsonHasEveryKeyScriptsReadWithItsType() throws Exception {
        RunReport report = measured().baselineSeconds(2.0).oracle(0, 1, 2)
                .heapUsedBytes(3L * 1024 * 1024 * 1024).chart(Path.of("target/run.png")).build();

        JsonNode json = JSON.readTree(report.toJson());

        assertThat(json.get("machines").isInt()).isTrue();
        assertThat(json.get("machines").intValue()).isEqualTo(10_000);
        assertThat(json.get("operations").isIntegralNumber()).isTrue();
        for (String number : List.of("seconds", "opsPerSecond", "baselineSeconds", "ratio",
                "p50Ms", "p90Ms", "p99Ms", "p999Ms", "maxMs")) {
            assertThat(json.get(number)).as(number).isNotNull();
            assertThat(json.get(number).isNumber()).as(number).isTrue();
        }
        for (String count : List.of("wrong", "lost", "duplicated", "heapUsedBytes", "cloudReplicas", "agentHosts")) {
            assertThat(json.get(count)).as(count).isNotNull();
            assertThat(json.get(count).isIntegralNumber()).as(count).isTrue();
        }
        assertThat(json.get("heapUsedBytes").longValue()).isEqualTo(3L * 1024 * 1024 * 1024);
        assertThat(json.get("lost").longValue()).isEqualTo(1);
        assertThat(json.get("duplicated").longValue()).isEqualTo(2);
        assertThat(json.get("p99Ms").doubleValue()).isEqualTo(480.25);
        assertThat(json.get("chart").textValue()).isEqualTo(Path.of("target/run.png").toString());
        assertThat(json.get("scenario").textValue()).isEqualTo("install");
        // ISO-8601, not epoch numbers: people read these files too.
        assertThat(json.get("startedAt").textValue()).isEqualTo("2025-06-01T10:00:00Z");
    }

    @Test
    void ratioIsBaselineSecondsOverBulwarkSecondsAndThroughputIsDerived() throws Exception {
        RunReport report = measured().baselineSeconds(2.0).build();

        JsonNode json = JSON.readTree(report.toJson());

        assertThat(json.get("ratio").doubleValue()).isEqualTo(2.0 / 8.0);
        assertThat(report.ratio()).isEqualTo(0.25);
        assertThat(json.get("opsPerSecond").doubleValue()).isEqualTo(10_000 / 8.0);
    }

    @Test
    void figuresNotMeasuredAreWrittenAsNull() throws Exception {
        RunReport report = measured().build();

        JsonNode json = JSON.readTree(report.toJson());

        // Present and null, so every report has the same keys and `jq .ratio` never fails.
        for (String key : List.of("baselineSeconds", "ratio", "wrong", "lost", "duplicated", "heapUsedBytes", "chart")) {
            assertThat(json.has(key)).as(key).isTrue();
            assertThat(json.get(key).isNull()).as(key).isTrue();
        }
        assertThat(report.summary()).contains("not measured").contains("not run");
    }

    @Test
    void writeCreatesTheDirectoryAndWritesTheSameJson(@TempDir Path dir) throws Exception {
        RunReport report = measured().baselineSeconds(1.0).build();
        Path file = dir.resolve("reports/run.json");

        assertThat(report.write(file)).isEqualTo(file);

        assertThat(JSON.readTree(Files.readString(file))).isEqualTo(JSON.readTree(report.toJson()));
    }

    @Test
    void summaryIsAnAlignedTable() {
        String summary = measured().baselineSeconds(2.0).oracle(0, 0, 0).build().summary();

        List<String> lines = summary.lines().toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(6);
        // Every value starts in the same column: after the longest label and two spaces.
        int column = "operations".length() + 2;
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.charAt(column - 1)).isEqualTo(' ');
            assertThat(line.charAt(column)).isNotEqualTo(' ');
        });
        assertThat(summary).contains("10,000 in 8.00 s (1250.0 ops/s)")
                .contains("ratio 0.250 (Bulwark takes 4.0x the floor)")
                .contains("p99 480.3 ms")
                .contains("wrong 0, lost 0, duplicated 0");
    }
}
