package dev.bulwark.sim.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RunRecorderTest {

    private static final Instant START = Instant.parse("2025-06-01T10:00:00Z");

    @Test
    void percentilesOfOneToAThousandMilliseconds() {
        RunRecorder recorder = new RunRecorder(START);
        // Recorded in reverse so nothing depends on arrival order.
        for (int ms = 1000; ms >= 1; ms--) {
            recorder.record(START, START.plusMillis(ms));
        }

        LatencySummary latency = recorder.latency();

        // Three significant digits: each figure within 0.1 % of the exact one.
        assertThat(latency.count()).isEqualTo(1000);
        assertThat(latency.p50Ms()).isCloseTo(500, withinPercentage(0.1));
        assertThat(latency.p90Ms()).isCloseTo(900, withinPercentage(0.1));
        assertThat(latency.p99Ms()).isCloseTo(990, withinPercentage(0.1));
        assertThat(latency.p999Ms()).isCloseTo(999, withinPercentage(0.1));
        assertThat(latency.maxMs()).isCloseTo(1000, withinPercentage(0.1));
        assertThat(latency.meanMs()).isCloseTo(500.5, withinPercentage(0.1));
        assertThat(recorder.count()).isEqualTo(1000);
    }

    @Test
    void timelineBucketsByFinishTimeAndFillsEmptySecondsWithZeros() {
        RunRecorder recorder = new RunRecorder(START);
        Instant accepted = START.minusMillis(100);
        recorder.record(accepted, START.plusMillis(100).plusMillis(10));   // second 0, 210 ms
        recorder.record(START.plusMillis(500), START.plusMillis(900));     // second 0, 400 ms
        recorder.record(START.plusMillis(1500), START.plusMillis(2999));   // second 2, 1499 ms
        recorder.record(START.plusSeconds(5), START.plusMillis(5020));     // second 5, 20 ms

        List<RunRecorder.Second> timeline = recorder.timeline();

        assertThat(timeline).extracting(RunRecorder.Second::second).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(timeline).extracting(RunRecorder.Second::finished).containsExactly(2L, 0L, 1L, 0L, 0L, 1L);
        assertThat(timeline.get(0).p50Ms()).isCloseTo(210, withinPercentage(1));
        assertThat(timeline.get(0).p99Ms()).isCloseTo(400, withinPercentage(1));
        assertThat(timeline.get(2).p99Ms()).isCloseTo(1499, withinPercentage(1));
        assertThat(timeline.get(1)).isEqualTo(new RunRecorder.Second(1, 0, 0, 0));
        assertThat(recorder.firstFinished()).contains(START.plusMillis(110));
        assertThat(recorder.lastFinished()).contains(START.plusMillis(5020));
    }

    @Test
    void timelineHasNoGapsAndCountsEveryOperationForRandomRuns() {
        // Seeded: a failure names its seed and replays the same way.
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            List<Integer> finishedAtMs = random.ints(1 + random.nextInt(200), 0, 30_001).boxed().toList();
            RunRecorder recorder = new RunRecorder(START);
            for (int ms : finishedAtMs) {
                recorder.record(START, START.plusMillis(ms));
            }

            List<RunRecorder.Second> timeline = recorder.timeline();

            int lastSecond = finishedAtMs.stream().mapToInt(ms -> ms / 1000).max().orElseThrow();
            assertThat(timeline).as("seed %d", seed).hasSize(lastSecond + 1);
            for (int i = 0; i < timeline.size(); i++) {
                assertThat(timeline.get(i).second()).as("seed %d", seed).isEqualTo(i);
            }
            assertThat(timeline.stream().mapToLong(RunRecorder.Second::finished).sum())
                    .as("seed %d", seed).isEqualTo(finishedAtMs.size());
            assertThat(recorder.count()).as("seed %d", seed).isEqualTo(finishedAtMs.size());
        }
    }

    @Test
    void nothingRecordedMeansZerosAndNoTimeline() {
        RunRecorder recorder = new RunRecorder(START);

        assertThat(recorder.count()).isZero();
        assertThat(recorder.latency()).isEqualTo(new LatencySummary(0, 0, 0, 0, 0, 0, 0));
        assertThat(recorder.timeline()).isEmpty();
        assertThat(recorder.firstFinished()).isEmpty();
        assertThat(recorder.lastFinished()).isEmpty();
    }

    @Test
    void outOfRangeValuesAreClampedInsteadOfLost() {
        RunRecorder recorder = new RunRecorder(START);
        // Finished "before" accepted (two clocks) and a stuck operation of two hours.
        recorder.record(START.plusSeconds(1), START.plusMillis(900));
        recorder.record(START, START.plus(Duration.ofHours(2)));
        // Finished before the run's start: counted in second 0.
        recorder.record(START.minusSeconds(3), START.minusSeconds(1));

        assertThat(recorder.count()).isEqualTo(3);
        assertThat(recorder.latency().maxMs()).isCloseTo(Duration.ofHours(1).toMillis(), withinPercentage(0.1));
        assertThat(recorder.timeline().get(0).finished()).isEqualTo(2);
        assertThat(recorder.timeline()).hasSize(7201);
    }

    @Test
    void recordsFromManyThreadsAreAllCounted() throws Exception {
        RunRecorder recorder = new RunRecorder(START);
        int threads = 4;
        int perThread = 20_000; // a whole number of rounds of 0..9,999 ms: each second gets as many
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await(); // all threads record at once, to collide
                    for (int i = 0; i < perThread; i++) {
                        recorder.record(START, START.plusMillis(i % 10_000));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        long total = (long) threads * perThread;
        assertThat(recorder.count()).isEqualTo(total);
        assertThat(recorder.latency().count()).isEqualTo(total);
        assertThat(recorder.timeline()).hasSize(10);
        assertThat(recorder.timeline()).allSatisfy(second -> assertThat(second.finished()).isEqualTo(total / 10));
    }
}
