package dev.bulwark.sim.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * What a load test measured: each operation's latency, from the API accepting it (its Started event in
 * the activity log) to its outcome in the activity log, over the whole run and per second of the run.
 *
 * <p>Thread-safe. Every method holds one lock: recording costs well under a microsecond, far below
 * what an operation costs, so a lock-free design would buy nothing a reader could see.
 */
public final class RunRecorder {

    /** Latencies above an hour are recorded as an hour: they mean a stuck run, whatever their size. */
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    /**
     * Per-second histograms only draw the timeline, so two significant digits and 0.1 ms resolution
     * are plenty, and keep an hour-long run's 3,600 of them at about 10 KB each.
     */
    private static final long SECOND_LOWEST_MICROS = 100;
    private static final int SECOND_DIGITS = 2;

    private final Instant start;
    private final Histogram latencies = new Histogram(HIGHEST_MICROS, 3);
    private final TreeMap<Integer, IntCountsHistogram> perSecond = new TreeMap<>();
    private Instant firstFinished;
    private Instant lastFinished;

    /** @param start when the run started: second 0 of the timeline */
    public RunRecorder(Instant start) {
        this.start = start;
    }

    public Instant start() {
        return start;
    }

    /**
     * Records one operation. A negative latency (clocks of two writers) counts as 0; an operation
     * finished before the start counts in second 0.
     */
    public synchronized void record(Instant accepted, Instant finished) {
        long micros = clamp(Duration.between(accepted, finished).toNanos() / 1000, 0, HIGHEST_MICROS);
        latencies.recordValue(micros);
        int second = (int) clamp(Duration.between(start, finished).getSeconds(), 0, Integer.MAX_VALUE);
        perSecond.computeIfAbsent(second, s -> new IntCountsHistogram(SECOND_LOWEST_MICROS, HIGHEST_MICROS, SECOND_DIGITS))
                .recordValue(micros);
        if (firstFinished == null || finished.isBefore(firstFinished)) {
            firstFinished = finished;
        }
        if (lastFinished == null || finished.isAfter(lastFinished)) {
            lastFinished = finished;
        }
    }

    public synchronized long count() {
        return latencies.getTotalCount();
    }

    public synchronized LatencySummary latency() {
        return LatencySummary.of(latencies);
    }

    /** Every second from 0 to the last with a finished operation; seconds with none have all zeros. */
    public synchronized List<Second> timeline() {
        if (perSecond.isEmpty()) {
            return List.of();
        }
        List<Second> seconds = new ArrayList<>(perSecond.lastKey() + 1);
        for (int second = 0; second <= perSecond.lastKey(); second++) {
            IntCountsHistogram micros = perSecond.get(second);
            seconds.add(micros == null
                    ? new Second(second, 0, 0, 0)
                    : new Second(second, micros.getTotalCount(),
                            LatencySummary.millis(micros.getValueAtPercentile(50)),
                            LatencySummary.millis(micros.getValueAtPercentile(99))));
        }
        return seconds;
    }

    public synchronized Optional<Instant> firstFinished() {
        return Optional.ofNullable(firstFinished);
    }

    public synchronized Optional<Instant> lastFinished() {
        return Optional.ofNullable(lastFinished);
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }

    /** One second of the run: operations that finished in it and their latency percentiles. */
    public record Second(int second, long finished, double p50Ms, double p99Ms) {
    }
}
