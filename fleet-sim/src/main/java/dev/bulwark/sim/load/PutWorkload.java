package dev.bulwark.sim.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.e2e.CloudApi;
import dev.bulwark.model.Json;
import dev.bulwark.sim.oracle.Expected;
import dev.bulwark.sim.oracle.ObservedEvent;
import dev.bulwark.sim.oracle.Oracle;
import dev.bulwark.sim.report.ProgressDisplay;
import dev.bulwark.sim.report.RunRecorder;
import dev.bulwark.sim.scenario.Scenario;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-machine PUTs at a fixed rate, open loop: each request leaves on schedule whether or not earlier ones
 * were answered, as independent clients would send them, so a slow API shows as latency and backlog rather
 * than as a lower offered rate. Each PUT installs the scenario's extension on a different machine; every
 * outcome is then checked against the oracle from the activity log.
 */
public final class PutWorkload {
    private PutWorkload() {
    }

    /** @param ended called once every outcome is in the activity log, before they are checked */
    public static RunResult run(CloudApi api, Scenario scenario, int machines, String run, Duration timeout, Runnable ended) {
        double rate = scenario.workload().rate() == null ? 100 : scenario.workload().rate();
        int seconds = scenario.workload().seconds() == null ? 30 : scenario.workload().seconds();
        int requests = (int) Math.min(machines, Math.round(rate * seconds));
        String extension = scenario.extension().name() + "-" + run;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Set<String> correlations = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        Instant start = Instant.now();
        long intervalNanos = (long) (1e9 / rate);
        CompletableFuture<?>[] sent = new CompletableFuture<?>[requests];
        try (ProgressDisplay progress = new ProgressDisplay("PUTs at " + rate + "/s", requests)) {
            long first = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                long due = first + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    RolloutWorkload.sleep(Duration.ofNanos(wait));
                }
                String correlation = UUID.randomUUID().toString();
                correlations.add(correlation);
                sent[i] = http.sendAsync(request(api, scenario, Scenario.machineName(i + 1), extension, correlation),
                        HttpResponse.BodyHandlers.discarding()).thenAccept(response -> {
                    if (response.statusCode() != 202) {
                        refused.incrementAndGet();
                    }
                });
                progress.update(i + 1, refused.get() == 0 ? "" : refused.get() + " refused");
            }
        }
        CompletableFuture.allOf(sent).join();
        Map<String, Expected> expected = new LinkedHashMap<>(RolloutWorkload.expected(scenario, requests));
        String filter = "eventTimestamp ge '" + start.minusSeconds(1) + "' and resourceGroupName eq '" + api.resourceGroup() + "'";
        List<ObservedEvent> events = awaitOutcomes(api, filter, correlations, requests, timeout);
        ended.run();
        RunRecorder recorder = new RunRecorder(start);
        Oracle.Verdict verdict = Oracle.check(expected, events,
                (accept, finish) -> recorder.record(accept.eventTimestamp(), finish.eventTimestamp()));
        Instant last = events.stream().map(ObservedEvent::eventTimestamp).max(Instant::compareTo).orElse(Instant.now());
        return new RunResult(requests, Duration.between(start, last).toMillis() / 1000.0, verdict, recorder,
                refused.get() == 0 ? null : refused.get() + " PUTs were refused");
    }

    /** Waits until every request has its outcome in the activity log, or the timeout; returns what is there. */
    private static List<ObservedEvent> awaitOutcomes(CloudApi api, String filter, Set<String> correlations, int requests,
                                                               Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ObservedEvent> events = FleetEvents.read(api, filter, correlations::contains);
            long outcomes = events.stream().filter(event -> !event.started()).count();
            if (outcomes >= requests || System.nanoTime() > deadline) {
                return events;
            }
            RolloutWorkload.sleep(Duration.ofSeconds(1));
        }
    }

    private static HttpRequest request(CloudApi api, Scenario scenario, String machine, String extension, String correlation) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("location", "local");
        ObjectNode properties = body.putObject("properties").put("publisher", scenario.extension().publisher())
                .put("type", scenario.extension().type()).put("typeHandlerVersion", scenario.extension().version());
        if (scenario.extension().settings() != null) {
            properties.set("settings", scenario.extension().settings());
        }
        if (scenario.extension().protectedSettings() != null) {
            properties.set("protectedSettings", scenario.extension().protectedSettings());
        }
        return HttpRequest.newBuilder(URI.create(api.baseUrl() + api.extensionPath(machine, extension) + "?api-version="
                        + CloudApi.API_VERSION))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("x-ms-correlation-request-id", correlation)
                .PUT(HttpRequest.BodyPublishers.ofString(Json.encodeToString(body)))
                .build();
    }
}
