package dev.bulwark.sim.baseline;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the three stages at once, each on its own thread, and times them. When one stage fails the
 * others are interrupted, and the first failure is what the caller sees.
 */
final class Pipeline {

    private final Baseline.Settings settings;
    private final BaselineNames names;
    private final ActivityTable table;

    Pipeline(Baseline.Settings settings, BaselineNames names, ActivityTable table) {
        this.settings = settings;
        this.names = names;
        this.table = table;
    }

    PipelineTiming run() {
        CountDownLatch consumersReady = new CountDownLatch(2);
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(3, runnable -> {
            Thread thread = new Thread(runnable, "baseline-stage-" + threadNumber.incrementAndGet());
            thread.setDaemon(true); // a stage stuck in a client call must not keep the JVM alive
            return thread;
        });
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        try {
            CompletableFuture<Long> started = stage(new OperationSender(settings, names, consumersReady), threads, firstFailure);
            CompletableFuture<Integer> answered = stage(new AgentEcho(settings, names, consumersReady), threads, firstFailure);
            CompletableFuture<ActivityProjection.Finish> projected =
                    stage(new ActivityProjection(settings, names, table, consumersReady), threads, firstFailure);
            try {
                CompletableFuture.allOf(started, answered, projected).join();
            } catch (CompletionException e) {
                Throwable cause = firstFailure.get() != null ? firstFailure.get() : e.getCause();
                throw cause instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException("baseline failed: " + cause, cause);
            }
            ActivityProjection.Finish finish = projected.join();
            return new PipelineTiming(finish.projected(), (finish.lastCommittedNanos() - started.join()) / 1e9);
        } finally {
            threads.shutdownNow();
            awaitStopped(threads);
        }
    }

    private static <T> CompletableFuture<T> stage(Callable<T> stage, ExecutorService threads,
                                                  AtomicReference<Throwable> firstFailure) {
        CompletableFuture<T> future = CompletableFuture.supplyAsync(() -> {
            try {
                return stage.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, threads);
        future.whenComplete((value, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                // The first failure is the cause; the others are the interruptions it triggers.
                if (firstFailure.compareAndSet(null, cause)) {
                    threads.shutdownNow();
                }
            }
        });
        return future;
    }

    private static void awaitStopped(ExecutorService threads) {
        try {
            if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
                System.err.println("baseline: a stage did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
