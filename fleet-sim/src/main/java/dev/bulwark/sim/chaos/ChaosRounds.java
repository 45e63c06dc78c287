package dev.bulwark.sim.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.e2e.CloudApi;
import dev.bulwark.sim.load.FleetEvents;
import dev.bulwark.sim.load.RolloutWorkload;
import dev.bulwark.sim.oracle.ObservedEvent;
import dev.bulwark.sim.oracle.Oracle;
import dev.bulwark.sim.scenario.Scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The workload of {@code ./bulwark chaos}: rollouts of the scenario's extension (with its protected settings), one
 * after another, each to every machine of the fleet (the last one to as many as are left), until the planned
 * number of operations ran. Each round installs an extension of its own name, so every operation is a new one
 * with its own activity events. It behaves as a careful client does while processes die under it: a request
 * that got no answer or a 5xx is tried again, and a rollout PUT is sent again only when a GET says the rollout
 * does not exist (so a PUT that was committed before its answer was lost is never doubled).
 */
public final class ChaosRounds {
    private static final Duration POLL = Duration.ofMillis(100);

    /** One round as it ended: its rollout, how many machines, its correlation id and end state. */
    public record Round(int index, String rollout, int machines, String correlationId, String state, double seconds) {
    }

    private final CloudApi api;
    private final Scenario scenario;
    private final int fleet;
    private final long operations;
    private final String run;
    private final AtomicReference<KillSwitch.Progress> progress = new AtomicReference<>(new KillSwitch.Progress(0, 0, 0, System.nanoTime()));
    private final List<Round> rounds = new CopyOnWriteArrayList<>();

    /**
     * @param fleet      machines of the fleet (sim-000001...), all in the API's resource group
     * @param operations at least this many operations, in rounds of at most {@code fleet}
     */
    public ChaosRounds(CloudApi api, Scenario scenario, int fleet, long operations, String run) {
        this.api = api;
        this.scenario = scenario;
        this.fleet = fleet;
        this.operations = operations;
        this.run = run;
    }

    public static int roundCount(long operations, int fleet) {
        return (int) ((operations + fleet - 1) / fleet);
    }

    /** Operations accepted and with their outcome (or skipped) so far, as the latest answered poll showed them. */
    public KillSwitch.Progress progress() {
        return progress.get();
    }

    private void observed(long roundStart, long accepted, long finished) {
        progress.set(new KillSwitch.Progress(accepted, finished, roundStart, System.nanoTime()));
    }

    public List<Round> rounds() {
        return List.copyOf(rounds);
    }

    /**
     * Runs rounds until at least the planned operations ran and every kill of {@code kills} has struck (more rounds
     * than planned when kills are still to come).
     *
     * @throws IllegalStateException when the timeout passes, a request is refused for good, or a killed process did
     *                               not come back
     */
    public void run(KillSwitch kills, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int planned = roundCount(operations, fleet);
        long before = 0;
        for (int index = 1; before < operations || !kills.allDone(); index++) {
            kills.check();
            int machines = (int) (before < operations ? Math.min(fleet, operations - before) : fleet);
            String rollout = "chaos-" + run + "-" + index;
            String extension = scenario.extension().name() + "-" + run + "-" + index;
            ObjectNode body = machines == fleet ? RolloutWorkload.body(scenario, extension)
                    : RolloutWorkload.body(scenario, extension, machines);
            long started = System.nanoTime();
            accept(rollout, body, deadline, kills);
            observed(before, before + machines, before);
            JsonNode status = follow(rollout, before, machines, deadline, kills);
            before += machines;
            observed(before, before, before);
            Round round = new Round(index, rollout, machines, status.path("properties").path("correlationId").asText(),
                    status.path("properties").path("provisioningState").asText(), (System.nanoTime() - started) / 1e9);
            rounds.add(round);
            System.out.printf("==> round %d/%s: rollout %s of %d machines ended %s in %.1f s%n", index,
                    index <= planned ? Integer.toString(planned) : planned + " (+1, kills still to come)", rollout,
                    machines, round.state(), round.seconds());
        }
        kills.check();
    }

    /** The rollout exists once this returns: a GET first, so a PUT whose answer was lost is not sent twice. */
    private void accept(String rollout, ObjectNode body, long deadline, KillSwitch kills) {
        while (true) {
            kills.check();
            CloudApi.Response existing = tryCall(() -> api.getRollout(rollout), deadline);
            if (existing != null && existing.status() == 200) {
                return;
            }
            if (existing != null && existing.status() == 404) {
                CloudApi.Response put = tryCall(() -> api.putRollout(rollout, body), deadline);
                if (put != null && (put.status() == 200 || put.status() == 201 || put.status() == 202)) {
                    return;
                }
                if (put != null && put.status() < 500 && put.status() != 409 && put.status() != 429) {
                    throw new IllegalStateException("rollout " + rollout + " was refused (HTTP " + put.status() + "): " + put.body());
                }
            } else if (existing != null && existing.status() < 500 && existing.status() != 429) {
                throw new IllegalStateException("GET rollout " + rollout + " answered " + existing.status() + ": " + existing.body());
            }
            pause(deadline);
        }
    }

    /** Polls the rollout's status until it ended, keeping {@link #progress} up to date; unanswered polls are tried again. */
    private JsonNode follow(String rollout, long before, int machines, long deadline, KillSwitch kills) {
        while (true) {
            kills.check();
            CloudApi.Response response = tryCall(() -> api.getRollout(rollout), deadline);
            if (response != null && response.status() == 200) {
                observed(before, before + machines, before + RolloutWorkload.finished(response.body()));
                if (RolloutWorkload.ended(response.body())) {
                    return response.body();
                }
            }
            pause(deadline);
        }
    }

    /** Checks every round's outcomes against the oracle, from the activity log (read with retries). */
    public Oracle.Verdict verify(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int machines = 0;
        int correct = 0;
        int wrong = 0;
        int lost = 0;
        int duplicated = 0;
        List<String> examples = new ArrayList<>();
        for (Round round : rounds) {
            String correlation = round.correlationId();
            List<ObservedEvent> events = retry(() -> FleetEvents.read(api, "correlationId eq '" + correlation + "'",
                    correlation::equals), deadline);
            Oracle.Verdict verdict = Oracle.check(RolloutWorkload.expected(scenario, round.machines()), events, (a, b) -> { });
            machines += verdict.machines();
            correct += verdict.correct();
            wrong += verdict.wrong();
            lost += verdict.lost();
            duplicated += verdict.duplicated();
            verdict.examples().stream().limit(Math.max(0, 5 - examples.size()))
                    .forEach(example -> examples.add("round " + round.index() + ": " + example));
        }
        return new Oracle.Verdict(machines, correct, wrong, lost, duplicated, examples);
    }

    /** The response, or null when the request got none (the cloud down) or a 5xx; throws once the deadline passed. */
    private static CloudApi.Response tryCall(Supplier<CloudApi.Response> call, long deadline) {
        try {
            CloudApi.Response response = call.get();
            return response.status() >= 500 ? null : response;
        } catch (IllegalStateException noAnswer) {
            if (System.nanoTime() > deadline) {
                throw noAnswer;
            }
            return null;
        }
    }

    private static <T> T retry(Supplier<T> call, long deadline) {
        while (true) {
            try {
                return call.get();
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                pause(deadline);
            }
        }
    }

    private static void pause(long deadline) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the chaos workload did not finish in time");
        }
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
