package dev.bulwark.cloud.messaging;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A background loop over a reactive step, without a thread of its own: one run at a time, repeated at once
 * while the step reports more work, again whenever {@link #wake()} is called (a wake during a run makes it
 * run once more), and on a timer. A failing step is logged once per outage and retried after a back-off.
 * Everything runs on Vert.x timers and the step's own I/O, so it never blocks a thread.
 */
public final class Wakeable {
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int RUNNING_WOKEN = 2;
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(2);

    private final String name;
    private final Vertx vertx;
    private final Supplier<Uni<Boolean>> step;
    private final Duration tick;
    private final Logger log;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private volatile boolean stopped;
    private volatile boolean failing;
    private volatile CountDownLatch idle = new CountDownLatch(0);
    private long timer = -1;

    /** @param step does one unit of work; true when there may be more to do right away */
    public Wakeable(String name, Vertx vertx, Supplier<Uni<Boolean>> step, Duration tick, Logger log) {
        this.name = name;
        this.vertx = vertx;
        this.step = step;
        this.tick = tick;
        this.log = log;
    }

    public void start() {
        timer = vertx.setPeriodic(Math.max(1, tick.toMillis()), id -> wake());
    }

    /** Asks for a run soon; cheap and safe from any thread, any number of times. */
    public void wake() {
        if (stopped) {
            return;
        }
        if (state.getAndUpdate(s -> s == IDLE ? RUNNING : RUNNING_WOKEN) == IDLE) {
            idle = new CountDownLatch(1);
            run();
        }
    }

    private void run() {
        Uni<Boolean> work;
        try {
            work = step.get();
        } catch (RuntimeException e) {
            work = Uni.createFrom().failure(e);
        }
        work.subscribe().with(more -> {
            if (failing) {
                log.infof("The %s works again", name);
                failing = false;
            }
            if (Boolean.TRUE.equals(more) && !stopped) {
                run();
            } else {
                finishOrRunAgain();
            }
        }, error -> {
            if (!failing) {
                log.warnf(error, "The %s failed; retrying every %d s", name, RETRY_AFTER_FAILURE.toSeconds());
            } else {
                log.debugf("The %s still fails: %s", name, error);
            }
            failing = true;
            vertx.setTimer(RETRY_AFTER_FAILURE.toMillis(), id -> finishOrRunAgain());
        });
    }

    private void finishOrRunAgain() {
        CountDownLatch thisRun = idle;
        if (stopped) {
            state.set(IDLE);
            thisRun.countDown();
        } else if (state.compareAndSet(RUNNING, IDLE)) {
            thisRun.countDown();
        } else {
            state.set(RUNNING); // woken during the run: what woke it may not have been seen yet
            run();
        }
    }

    /** Stops waking and waits up to {@code timeout} for a run in progress (a transaction in flight) to end. */
    public void stop(Duration timeout) {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        try {
            if (state.get() != IDLE && !idle.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warnf("The %s did not finish its run within %s", name, timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
