package dev.bulwark.sim.load;

import dev.bulwark.sim.oracle.Oracle;
import dev.bulwark.sim.report.LatencySummary;
import dev.bulwark.sim.report.RunRecorder;

/**
 * What one workload did: how many operations, how long from the first request to the last outcome in the
 * activity log, what the oracle found, the latencies, how long the API took to answer each request (per-machine
 * PUTs; null for a rollout), and a note when something besides the machines' outcomes went wrong (a rollout
 * that did not end Succeeded, requests the API refused), else null.
 */
public record RunResult(int operations, double seconds, Oracle.Verdict verdict, RunRecorder recorder,
                        LatencySummary apiResponses, String note) {
    public double opsPerSecond() {
        return seconds <= 0 ? 0 : operations / seconds;
    }
}
