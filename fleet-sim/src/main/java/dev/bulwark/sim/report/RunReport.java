package dev.bulwark.sim.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.bulwark.model.Json;

/**
 * The outcome of one load test, as {@code sim bench --json} writes it for scripts and {@link #summary()}
 * prints it for people. A boxed figure is null when the run did not measure it (no baseline in
 * {@code sim run}, no oracle, ...); it is still written, as null, so every report has the same keys.
 *
 * <p>{@code opsPerSecond} and {@code ratio} are derived here, never passed in, so they always agree
 * with the figures they come from.
 *
 * @param scenario        what the run did, e.g. {@code install}
 * @param startedAt       when the first operation was sent
 * @param machines        simulated machines in the fleet
 * @param cloudReplicas   cloud service processes
 * @param agentHosts      processes hosting the simulated machines
 * @param operations      operations whose outcome reached the activity log
 * @param seconds         from the first operation accepted to the last outcome in the activity log
 * @param baselineSeconds the raw Kafka + PostgreSQL pipeline for as many records ({@code Baseline})
 * @param wrong           outcomes the oracle did not expect
 * @param lost            operations accepted but with no outcome
 * @param duplicated      operations with more than one outcome
 * @param heapUsedBytes   heap used by the fleet's processes after a full GC at the end of the run
 * @param chart           path of the PNG drawn by {@link RunChart}
 * @param cpuMsPerOperation CPU time each process spent during the run, per operation (ms), by process
 * @param apiResponses    how long the API took to answer each request, for per-machine PUTs; null for a rollout
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"scenario", "startedAt", "machines", "cloudReplicas", "agentHosts", "operations", "seconds",
        "opsPerSecond", "baselineSeconds", "ratio", "wrong", "lost", "duplicated",
        "p50Ms", "p90Ms", "p99Ms", "p999Ms", "maxMs", "heapUsedBytes", "chart", "cpuMsPerOperation", "apiResponses"})
public record RunReport(String scenario, Instant startedAt, int machines, Integer cloudReplicas, Integer agentHosts,
                        long operations, double seconds, Double baselineSeconds,
                        Long wrong, Long lost, Long duplicated,
                        double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs,
                        Long heapUsedBytes, String chart, Map<String, Double> cpuMsPerOperation,
                        LatencySummary apiResponses) {

    /** The house codec (ISO-8601 instants), indented, and keeping nulls that the house codec drops. */
    private static final ObjectMapper MAPPER = Json.MAPPER.copy()
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public static Builder builder(String scenario, Instant startedAt) {
        return new Builder(scenario, startedAt);
    }

    /** Operations per second over the run; 0 for a run of no measurable length. */
    @JsonProperty("opsPerSecond")
    public double opsPerSecond() {
        return seconds > 0 ? operations / seconds : 0;
    }

    /**
     * Baseline seconds / Bulwark seconds: the share of the raw pipeline's speed that Bulwark reaches
     * (1 = as fast as Kafka and PostgreSQL alone). Null without a baseline.
     */
    @JsonProperty("ratio")
    public Double ratio() {
        return baselineSeconds == null || seconds <= 0 ? null : baselineSeconds / seconds;
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the run report as JSON", e);
        }
    }

    /** Writes {@link #toJson()} to {@code json}, creating its directory; returns {@code json}. */
    public Path write(Path json) {
        try {
            Path parent = json.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            return Files.writeString(json, toJson() + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run report to " + json, e);
        }
    }

    /** A few aligned lines for the console. */
    public String summary() {
        List<String[]> rows = new ArrayList<>();
        rows.add(row("scenario", scenario + ", started " + startedAt));
        rows.add(row("fleet", number(machines) + " machines, " + orUnknown(cloudReplicas) + " cloud replicas, "
                + orUnknown(agentHosts) + " agent hosts"));
        rows.add(row("operations", number(operations) + " in " + format("%.2f s", seconds)
                + format(" (%.1f ops/s)", opsPerSecond())));
        rows.add(row("baseline", baselineSeconds == null ? "not measured"
                : format("%.2f s raw Kafka + PostgreSQL; ratio %.3f (Bulwark takes %.1fx the floor)",
                baselineSeconds, ratio(), seconds / baselineSeconds)));
        rows.add(row("latency", format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms",
                p50Ms, p90Ms, p99Ms, p999Ms, maxMs)));
        if (apiResponses != null) {
            rows.add(row("API answers", format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (each PUT's 202)",
                    apiResponses.p50Ms(), apiResponses.p99Ms(), apiResponses.maxMs())));
        }
        rows.add(row("oracle", wrong == null && lost == null && duplicated == null ? "not run"
                : "wrong " + orUnknown(wrong) + ", lost " + orUnknown(lost) + ", duplicated " + orUnknown(duplicated)));
        rows.add(row("heap used", heapUsedBytes == null ? "not measured"
                : format("%.0f MiB", heapUsedBytes / (1024.0 * 1024.0))));
        if (cpuMsPerOperation != null) {
            StringBuilder cpu = new StringBuilder();
            cpuMsPerOperation.forEach((process, ms) -> cpu.append(cpu.length() == 0 ? "" : ", ").append(process)
                    .append(format(" %.2f", ms)));
            rows.add(row("CPU ms/op", cpu.toString()));
        }
        rows.add(row("chart", chart == null ? "none" : chart));
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        StringBuilder text = new StringBuilder();
        for (String[] r : rows) {
            text.append(String.format(Locale.ROOT, "%-" + width + "s  %s%n", r[0], r[1]));
        }
        return text.toString();
    }

    private static String[] row(String label, String value) {
        return new String[]{label, value};
    }

    private static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String orUnknown(Object value) {
        return value == null ? "?" : value.toString();
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    /** Names each figure, as a 20-argument constructor cannot; unset figures stay null (or zero). */
    public static final class Builder {
        private final String scenario;
        private final Instant startedAt;
        private int machines;
        private Integer cloudReplicas;
        private Integer agentHosts;
        private long operations;
        private double seconds;
        private Double baselineSeconds;
        private Long wrong;
        private Long lost;
        private Long duplicated;
        private LatencySummary latency = LatencySummary.NONE;
        private Long heapUsedBytes;
        private Map<String, Double> cpuMsPerOperation;
        private String chart;
        private LatencySummary apiResponses;

        private Builder(String scenario, Instant startedAt) {
            this.scenario = scenario;
            this.startedAt = startedAt;
        }

        public Builder fleet(int machines, Integer cloudReplicas, Integer agentHosts) {
            this.machines = machines;
            this.cloudReplicas = cloudReplicas;
            this.agentHosts = agentHosts;
            return this;
        }

        /** How many operations finished, in how many seconds. */
        public Builder throughput(long operations, double seconds) {
            this.operations = operations;
            this.seconds = seconds;
            return this;
        }

        public Builder latency(LatencySummary latency) {
            this.latency = latency;
            return this;
        }

        public Builder baselineSeconds(Double baselineSeconds) {
            this.baselineSeconds = baselineSeconds;
            return this;
        }

        /** The oracle's verdict. */
        public Builder oracle(long wrong, long lost, long duplicated) {
            this.wrong = wrong;
            this.lost = lost;
            this.duplicated = duplicated;
            return this;
        }

        public Builder heapUsedBytes(Long heapUsedBytes) {
            this.heapUsedBytes = heapUsedBytes;
            return this;
        }

        public Builder cpuMsPerOperation(Map<String, Double> cpuMsPerOperation) {
            this.cpuMsPerOperation = cpuMsPerOperation;
            return this;
        }

        public Builder chart(Path chart) {
            this.chart = chart == null ? null : chart.toString();
            return this;
        }

        public Builder apiResponses(LatencySummary apiResponses) {
            this.apiResponses = apiResponses;
            return this;
        }

        public RunReport build() {
            return new RunReport(scenario, startedAt, machines, cloudReplicas, agentHosts, operations, seconds,
                    baselineSeconds, wrong, lost, duplicated, latency.p50Ms(), latency.p90Ms(), latency.p99Ms(),
                    latency.p999Ms(), latency.maxMs(), heapUsedBytes, chart, cpuMsPerOperation, apiResponses);
        }
    }
}
