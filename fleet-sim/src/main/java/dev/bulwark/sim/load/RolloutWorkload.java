package dev.bulwark.sim.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.e2e.CloudApi;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.sim.oracle.Expected;
import dev.bulwark.sim.oracle.ObservedEvent;
import dev.bulwark.sim.oracle.Oracle;
import dev.bulwark.sim.report.ProgressDisplay;
import dev.bulwark.sim.report.RunRecorder;
import dev.bulwark.sim.scenario.Scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One fleet-wide install: a single rollout request for every machine of the fleet's resource group, followed
 * through the rollout's status (never per-machine GETs), then checked machine by machine against the oracle
 * from the activity log.
 */
public final class RolloutWorkload {
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Set<String> ENDED = Set.of("Succeeded", "Failed", "Canceled");

    private RolloutWorkload() {
    }

    /** @param machines how many machines the fleet has (sim-000001...); @param run names this run's rollout and extension */
    public static RunResult run(CloudApi api, Scenario scenario, int machines, String run, Duration timeout) {
        return run(api, scenario, machines, run, timeout, () -> { });
    }

    /** @param ended called as soon as the rollout's status says it ended, before its events are read back */
    public static RunResult run(CloudApi api, Scenario scenario, int machines, String run, Duration timeout, Runnable ended) {
        String extensionName = scenario.extension().name() + "-" + run;
        Instant start = Instant.now();
        CloudApi.Response accepted = api.putRollout("rollout-" + run, body(scenario, extensionName));
        if (accepted.status() != 202) {
            throw new IllegalStateException("the rollout was refused (HTTP " + accepted.status() + "): " + accepted.body());
        }
        String correlation = accepted.header("x-ms-correlation-request-id");
        JsonNode status = follow(api, "rollout-" + run, machines, timeout);
        ended.run();
        List<ObservedEvent> events = FleetEvents.read(api, "correlationId eq '" + correlation + "'", correlation::equals);
        RunRecorder recorder = new RunRecorder(start);
        Oracle.Verdict verdict = Oracle.check(expected(scenario, machines), events,
                (accept, finish) -> recorder.record(accept.eventTimestamp(), finish.eventTimestamp()));
        Instant last = events.stream().map(ObservedEvent::eventTimestamp).max(Instant::compareTo).orElse(Instant.now());
        String state = status.path("properties").path("provisioningState").asText();
        String note = "Succeeded".equals(state) ? null
                : "the rollout ended " + state + ": " + status.path("properties").path("message").asText();
        return new RunResult(machines, Duration.between(start, last).toMillis() / 1000.0, verdict, recorder, null, note);
    }

    /**
     * A rollout of the same shape on the first {@code count} machines, under its own extension name, that is not
     * measured: it brings every JVM's JIT compiler to its steady state, as a benchmark's warm-up does.
     */
    public static void warmUp(CloudApi api, Scenario scenario, int count, Duration timeout) {
        String name = "warmup-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode body = body(scenario, scenario.extension().name() + "-" + name, count);
        CloudApi.Response accepted = api.putRollout(name, body);
        if (accepted.status() != 202) {
            throw new IllegalStateException("the warm-up rollout was refused (HTTP " + accepted.status() + "): " + accepted.body());
        }
        JsonNode status = follow(api, name, count, timeout);
        if (!"Succeeded".equals(status.path("properties").path("provisioningState").asText())) {
            throw new IllegalStateException("the warm-up rollout did not succeed: " + status);
        }
    }

    /** What each machine's own rules give for an install of the scenario's extension. */
    public static Map<String, Expected> expected(Scenario scenario, int machines) {
        Map<String, Expected> expected = new LinkedHashMap<>();
        for (int index = 1; index <= machines; index++) {
            expected.put(Scenario.machineName(index), Expected.of(scenario.ruleClassOf(index).rules(scenario.extension().id()),
                    scenario.extension().id(), OperationKind.INSTALL));
        }
        return expected;
    }

    private static JsonNode follow(CloudApi api, String rollout, int machines, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ProgressDisplay progress = new ProgressDisplay("rollout " + rollout, machines)) {
            while (true) {
                JsonNode status = api.getRollout(rollout).body();
                progress.update(finished(status), "stage " + status.path("properties").path("currentStage").asInt() + "/"
                        + status.path("properties").path("stageCount").asInt() + ", running "
                        + status.path("properties").path("total").path("running").asLong());
                if (ended(status)) {
                    return status;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the rollout did not finish within " + timeout + ": " + status);
                }
                sleep(POLL);
            }
        }
    }

    /** How many machines of a rollout, as its status ({@code GET}) shows it, have their outcome (or were skipped). */
    public static long finished(JsonNode status) {
        JsonNode total = status.path("properties").path("total");
        return total.path("succeeded").asLong() + total.path("failed").path("total").asLong()
                + total.path("blocked").path("total").asLong() + total.path("skipped").path("total").asLong();
    }

    /** True once a rollout's status says it ended (Succeeded, Failed or Canceled). */
    public static boolean ended(JsonNode status) {
        return ENDED.contains(status.path("properties").path("provisioningState").asText());
    }

    /** The scenario's rollout as a what-if (nothing is sent), under the scenario's extension name. */
    public static ObjectNode whatIf(Scenario scenario) {
        ObjectNode body = body(scenario, scenario.extension().name());
        ((ObjectNode) body.get("properties")).put("whatIf", true);
        return body;
    }

    /** The scenario's rollout on the first {@code count} machines of the fleet (sim-000001...), listed by name. */
    public static ObjectNode body(Scenario scenario, String extensionName, int count) {
        ObjectNode body = body(scenario, extensionName);
        ArrayNode listed = ((ObjectNode) body.get("properties")).putObject("target").putArray("machines");
        for (int index = 1; index <= count; index++) {
            listed.add(Scenario.machineName(index));
        }
        return body;
    }

    /** The scenario's rollout on every machine of the resource group, installing {@code extensionName}. */
    public static ObjectNode body(Scenario scenario, String extensionName) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("location", "local");
        ObjectNode properties = body.putObject("properties").put("operation", "Install");
        ObjectNode extension = properties.putObject("extension").put("name", extensionName).putObject("properties")
                .put("publisher", scenario.extension().publisher()).put("type", scenario.extension().type())
                .put("typeHandlerVersion", scenario.extension().version());
        if (scenario.extension().settings() != null) {
            extension.set("settings", scenario.extension().settings());
        }
        if (scenario.extension().protectedSettings() != null) {
            extension.set("protectedSettings", scenario.extension().protectedSettings());
        }
        ObjectNode strategy = properties.putObject("strategy");
        strategy.putArray("stages").addAll(scenario.workload().stages() == null ? List.of() : scenario.workload().stages());
        strategy.put("maxFailurePercent", scenario.workload().maxFailurePercent() == null ? 100 : scenario.workload().maxFailurePercent());
        if (scenario.workload().pauseBetweenStages() != null) {
            strategy.put("pauseBetweenStages", scenario.workload().pauseBetweenStages().toString());
        }
        return body;
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
