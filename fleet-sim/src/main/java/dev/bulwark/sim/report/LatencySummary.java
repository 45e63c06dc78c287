package dev.bulwark.sim.report;

import org.HdrHistogram.AbstractHistogram;

/**
 * A latency distribution in milliseconds: how long operations took from the API accepting them to their outcome
 * in the activity log, or how long the API took to answer. All zero when nothing was recorded.
 */
public record LatencySummary(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms,
                             double maxMs, double meanMs) {

    static final LatencySummary NONE = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

    /** Reads a histogram of microseconds. */
    public static LatencySummary of(AbstractHistogram micros) {
        if (micros.getTotalCount() == 0) {
            return NONE;
        }
        return new LatencySummary(micros.getTotalCount(),
                millis(micros.getValueAtPercentile(50)),
                millis(micros.getValueAtPercentile(90)),
                millis(micros.getValueAtPercentile(99)),
                millis(micros.getValueAtPercentile(99.9)),
                millis(micros.getMaxValue()),
                micros.getMean() / 1000.0);
    }

    static double millis(long micros) {
        return micros / 1000.0;
    }
}
