package dev.bulwark.sim.cli;

import dev.bulwark.sim.load.RunResult;
import dev.bulwark.sim.report.RunChart;
import dev.bulwark.sim.report.RunReport;
import dev.bulwark.sim.scenario.Scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** Writes a run's report (JSON, with the PNG chart beside it) and says how the run ended. */
final class Reports {
    private Reports() {
    }

    static RunReport write(Path json, Scenario scenario, RunResult result, int machines, Double baselineSeconds,
                           Long heapUsedBytes, Integer cloudReplicas, Integer agentHosts, Instant startedAt,
                           Map<String, Double> cpuMsPerOperation) throws IOException {
        Files.createDirectories(json.toAbsolutePath().getParent());
        Path chart = RunChart.write(json.resolveSibling(json.getFileName().toString().replaceAll("\\.json$", "") + ".png"),
                result.recorder(), scenario.name() + ": " + result.operations() + " operations on " + machines + " machines");
        RunReport report = RunReport.builder(scenario.name(), startedAt)
                .fleet(machines, cloudReplicas, agentHosts)
                .throughput(result.operations(), result.seconds())
                .latency(result.recorder().latency())
                .baselineSeconds(baselineSeconds)
                .oracle(result.verdict().wrong(), result.verdict().lost(), result.verdict().duplicated())
                .heapUsedBytes(heapUsedBytes)
                .cpuMsPerOperation(cpuMsPerOperation)
                .apiResponses(result.apiResponses())
                .chart(chart)
                .build();
        report.write(json);
        if (!result.verdict().examples().isEmpty()) {
            System.out.println("The oracle found problems, for example:");
            result.verdict().examples().forEach(example -> System.out.println("  " + example));
        }
        if (result.note() != null) {
            System.out.println("Note: " + result.note());
        }
        System.out.println("Report: " + json + "  Chart: " + chart);
        return report;
    }

    /** 0 when every outcome was right and the workload ended as it should; 1 otherwise. */
    static int exitCode(RunResult result) {
        return result.verdict().clean() && result.note() == null ? 0 : 1;
    }
}
