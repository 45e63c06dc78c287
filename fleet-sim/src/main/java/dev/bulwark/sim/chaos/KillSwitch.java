package dev.bulwark.sim.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Carries out a {@link ChaosPlan} while the workload runs, one kill at a time: once the workload has the planned
 * number of outcomes and operations are in flight, SIGKILL to the process, then its restart on its own data. Each
 * kill is timed three ways, from the SIGKILL: until the process serves again ({@code recoverySeconds}), until the
 * workload gets a new outcome after that ({@code pipelineSeconds}), and until every operation accepted before the
 * kill has its outcome ({@code backlogSeconds}). The next kill waits until both were seen, so kills and their
 * measurements never overlap, and strikes only with at least {@code minInFlight} operations accepted without an
 * outcome, once the running round is as far as the plan says ({@link ChaosPlan.Kill#withinRound()}). The workload goes on until every kill has struck ({@link #allDone}).
 */
public final class KillSwitch implements Runnable {
    private static final int RESTART_ATTEMPTS = 3;
    private static final long PAUSE_MILLIS = 50;

    /** One process the plan may kill. */
    public interface Target {
        /** SIGKILL; returns the pid once the process is gone. */
        long kill() throws Exception;

        /** Starts it again on its data (or waits for its supervisor to); returns once it serves. */
        void restart() throws Exception;
    }

    /**
     * The workload's progress as its latest answered status poll showed it.
     *
     * @param accepted   operations the cloud accepted so far
     * @param finished   operations with their outcome so far
     * @param roundStart operations the rounds before the one running had
     * @param polledAt   {@link System#nanoTime()} of that poll
     */
    public record Progress(long accepted, long finished, long roundStart, long polledAt) {
        public long inFlight() {
            return Math.max(0, accepted - finished);
        }

        /** How much of the running round is done, from 0 to 1. */
        public double withinRound() {
            return accepted <= roundStart ? 1 : (double) (finished - roundStart) / (accepted - roundStart);
        }
    }

    /**
     * What one kill did. {@code inFlight}: operations accepted without an outcome when it struck. Times from the
     * SIGKILL, null when not seen: {@code recoverySeconds} until the process served again (null: it did not come
     * back, see {@code error}), {@code pipelineSeconds} until the workload's next outcome after that,
     * {@code backlogSeconds} until every operation accepted before the kill had its outcome.
     */
    public record Outcome(String process, long atOperation, long struckAtOperation, long inFlight, long pid,
                          int restartAttempts, Double recoverySeconds, Double pipelineSeconds, Double backlogSeconds,
                          String error) {
        public boolean recovered() {
            return recoverySeconds != null;
        }

        Outcome withPipeline(Double seconds) {
            return new Outcome(process, atOperation, struckAtOperation, inFlight, pid, restartAttempts, recoverySeconds,
                    seconds, backlogSeconds, error);
        }

        Outcome withBacklog(Double seconds) {
            return new Outcome(process, atOperation, struckAtOperation, inFlight, pid, restartAttempts, recoverySeconds,
                    pipelineSeconds, seconds, error);
        }
    }

    /** A kill whose pipeline or backlog time is still to be seen. */
    private static final class Watch {
        final int index;
        final long struck;
        final long acceptedBefore;
        long recovered = Long.MAX_VALUE;
        long baseline = -1;
        boolean pipelineSeen;
        boolean backlogSeen;

        Watch(int index, long struck, long acceptedBefore) {
            this.index = index;
            this.struck = struck;
            this.acceptedBefore = acceptedBefore;
        }
    }

    private final ChaosPlan plan;
    private final Map<String, Target> targets;
    private final Supplier<Progress> progress;
    private final long minInFlight;
    private final List<Outcome> outcomes = new ArrayList<>();
    private final List<Watch> watches = new ArrayList<>();
    private volatile boolean failed;
    private volatile boolean allDone;
    private volatile boolean workloadDone;

    /** @param minInFlight operations accepted without an outcome a kill waits for (at least 1) */
    public KillSwitch(ChaosPlan plan, Map<String, Target> targets, Supplier<Progress> progress, long minInFlight) {
        for (ChaosPlan.Kill kill : plan.kills()) {
            if (!targets.containsKey(kill.process())) {
                throw new IllegalArgumentException("the plan kills " + kill.process() + ", which is not a target");
            }
        }
        this.plan = plan;
        this.targets = Map.copyOf(targets);
        this.progress = progress;
        this.minInFlight = Math.max(1, minInFlight);
    }

    @Override
    public void run() {
        try {
            for (ChaosPlan.Kill kill : plan.kills()) {
                // Due, with operations in flight, and the previous kill's times seen.
                while (!workloadDone) {
                    Progress now = progress.get();
                    watch(now);
                    if (now.finished() >= kill.atOperation() && now.withinRound() >= kill.withinRound()
                            && now.inFlight() >= minInFlight && !watchPending()) {
                        break;
                    }
                    pause(PAUSE_MILLIS);
                }
                if (workloadDone) {
                    return;
                }
                closeWatches();
                strike(kill);
                if (failed) {
                    return; // The system is incomplete: the workload stops (check() throws), the report says why.
                }
            }
            allDone = true;
            while (!workloadDone && watchPending()) {
                watch(progress.get());
                pause(PAUSE_MILLIS);
            }
        } finally {
            allDone |= !failed && outcomes.size() == plan.kills().size();
        }
    }

    private void strike(ChaosPlan.Kill kill) {
        Target target = targets.get(kill.process());
        Progress before = progress.get();
        say("kill -9 " + kill.process() + " at operation " + before.finished() + " (planned at " + kill.atOperation()
                + ", " + before.inFlight() + " accepted without an outcome)");
        long struck = System.nanoTime();
        long pid;
        try {
            pid = target.kill();
        } catch (Exception e) {
            synchronized (this) {
                outcomes.add(new Outcome(kill.process(), kill.atOperation(), before.finished(), before.inFlight(), -1, 0,
                        null, null, null, "could not kill it: " + brief(e)));
                failed = true;
            }
            return;
        }
        Watch watch;
        synchronized (this) {
            // Watched from the kill on: the backlog may drain before the process serves again.
            watch = new Watch(outcomes.size(), struck, before.accepted());
            outcomes.add(new Outcome(kill.process(), kill.atOperation(), before.finished(), before.inFlight(), pid, 0,
                    null, null, null, null));
            watches.add(watch);
        }
        String error = null;
        for (int attempt = 1; attempt <= RESTART_ATTEMPTS; attempt++) {
            try {
                target.restart();
                long recovered = System.nanoTime();
                double seconds = (recovered - struck) / 1e9;
                say(String.format("%s (pid %d killed) serves again after %.1f s%s", kill.process(), pid, seconds,
                        attempt == 1 ? "" : ", at restart attempt " + attempt));
                synchronized (this) {
                    watch.recovered = recovered;
                    Outcome outcome = outcomes.get(watch.index);
                    outcomes.set(watch.index, new Outcome(outcome.process(), outcome.atOperation(), outcome.struckAtOperation(),
                            outcome.inFlight(), pid, attempt, round(seconds), outcome.pipelineSeconds(), outcome.backlogSeconds(), null));
                }
                return;
            } catch (Exception e) {
                error = brief(e);
                say(kill.process() + ": restart attempt " + attempt + " failed: " + error);
                pause(2_000);
            }
        }
        synchronized (this) {
            Outcome outcome = outcomes.get(watch.index);
            outcomes.set(watch.index, new Outcome(outcome.process(), outcome.atOperation(), outcome.struckAtOperation(),
                    outcome.inFlight(), pid, RESTART_ATTEMPTS, null, null, outcome.backlogSeconds(),
                    "did not come back after " + RESTART_ATTEMPTS + " restarts: " + error));
            watches.remove(watch);
            failed = true;
        }
    }

    /**
     * Fills the times {@code now} shows: a new outcome after the first poll answered since the process served again
     * (pipeline), every operation accepted before the kill finished (backlog).
     */
    private synchronized void watch(Progress now) {
        for (Watch watch : watches) {
            if (!watch.pipelineSeen && now.polledAt() > watch.recovered) {
                if (watch.baseline < 0) {
                    watch.baseline = now.finished();
                } else if (now.finished() > watch.baseline) {
                    watch.pipelineSeen = true;
                    outcomes.set(watch.index, outcomes.get(watch.index).withPipeline(seconds(watch.struck, now.polledAt())));
                }
            }
            if (!watch.backlogSeen && now.finished() >= watch.acceptedBefore && now.polledAt() > watch.struck) {
                watch.backlogSeen = true;
                outcomes.set(watch.index, outcomes.get(watch.index).withBacklog(seconds(watch.struck, now.polledAt())));
            }
        }
    }

    /** Before the next kill: a time not seen yet stays null (it would measure the next kill's outage too). */
    private synchronized void closeWatches() {
        watches.forEach(watch -> {
            watch.pipelineSeen = true;
            watch.backlogSeen = true;
        });
    }

    private synchronized boolean watchPending() {
        return watches.stream().anyMatch(watch -> !watch.pipelineSeen || !watch.backlogSeen);
    }

    /**
     * Called by the workload as it goes: fills the times its progress shows.
     *
     * @throws IllegalStateException when a killed process did not come back (the workload cannot finish)
     */
    public void check() {
        watch(progress.get());
        if (failed) {
            List<Outcome> done = outcomes();
            Outcome last = done.get(done.size() - 1);
            throw new IllegalStateException(last.process() + " " + last.error());
        }
    }

    /** True once every planned kill has struck and its process serves again. */
    public boolean allDone() {
        return allDone;
    }

    /** The workload ended (or stopped): kills not yet carried out are not, times not yet seen stay null. */
    public void workloadDone() {
        workloadDone = true;
    }

    public synchronized List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** An exception's message, cut at 300 characters (some hold a whole command line). */
    private static String brief(Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.length() <= 300 ? message : message.substring(0, 300) + "...";
    }

    private static Double seconds(long from, long to) {
        return round((to - from) / 1e9);
    }

    private static Double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void say(String line) {
        System.out.println("==> chaos: " + line);
    }
}
