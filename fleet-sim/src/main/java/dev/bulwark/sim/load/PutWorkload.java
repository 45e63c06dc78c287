package dev.bulwark.sim.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.e2e.CloudApi;
import dev.bulwark.model.Json;
import dev.bulwark.sim.oracle.Expected;
import dev.bulwark.sim.oracle.ObservedEvent;
import dev.bulwark.sim.oracle.Oracle;
import dev.bulwark.sim.report.LatencySummary;
import dev.bulwark.sim.report.ProgressDisplay;
import dev.bulwark.sim.report.RunRecorder;
import dev.bulwark.sim.scenario.Scenario;
import org.HdrHistogram.ConcurrentHistogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-machine PUTs, each installing the scenario's extension on a different machine, for a number of seconds:
 * <ul>
 *   <li>open loop at a fixed rate: each request leaves on schedule whether or not earlier ones were answered, as
 *   independent clients send them, so a slow API shows as latency and backlog rather than as a lower offered
 *   rate;</li>
 *   <li>closed loop with a fixed number of requests in flight: the API's own throughput.</li>
 * </ul>
 * Every outcome is then checked against the oracle from the activity log; how long the API took to answer each
 * PUT is recorded too.
 */
public final class PutWorkload {
    private static final long HIGHEST_MICROS = Duration.ofMinutes(10).toNanos() / 1000;

    private PutWorkload() {
    }

    /** @param ended called once every outcome is in the activity log, before they are checked */
    public static RunResult run(CloudApi api, Scenario scenario, int machines, String run, Duration timeout, Runnable ended) {
        Integer inFlight = scenario.workload().inFlight();
        double rate = scenario.workload().rate() == null ? 100 : scenario.workload().rate();
        int seconds = scenario.workload().seconds() == null ? 30 : scenario.workload().seconds();
        int limit = inFlight != null ? machines : (int) Math.min(machines, Math.round(rate * seconds));
        Semaphore window = new Semaphore(inFlight != null ? inFlight : Integer.MAX_VALUE);
        String extension = scenario.extension().name() + "-" + run;
        HttpClient http = api.http();
        Set<String> correlations = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        ConcurrentHistogram responses = new ConcurrentHistogram(HIGHEST_MICROS, 3);
        List<CompletableFuture<?>> sent = new ArrayList<>();
        Instant start = Instant.now();
        long first = System.nanoTime();
        long intervalNanos = (long) (1e9 / rate);
        long endNanos = first + Duration.ofSeconds(seconds).toNanos();
        String title = inFlight != null ? "PUTs, " + inFlight + " in flight" : "PUTs at " + rate + "/s";
        try (ProgressDisplay progress = new ProgressDisplay(title, limit)) {
            for (int i = 0; i < limit; i++) {
                if (inFlight != null) {
                    if (System.nanoTime() - endNanos > 0) {
                        break;
                    }
                    window.acquireUninterruptibly();
                } else {
                    long wait = first + i * intervalNanos - System.nanoTime();
                    if (wait > 0) {
                        RolloutWorkload.sleep(Duration.ofNanos(wait));
                    }
                }
                String correlation = UUID.randomUUID().toString();
                correlations.add(correlation);
                long sentAt = System.nanoTime();
                sent.add(http.sendAsync(request(api, scenario, Scenario.machineName(i + 1), extension, correlation),
                        HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                    responses.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - sentAt) / 1000));
                    window.release();
                    if (error != null || response.statusCode() != 202) {
                        refused.incrementAndGet();
                    }
                }));
                progress.update(i + 1, refused.get() == 0 ? "" : refused.get() + " refused");
            }
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).exceptionally(error -> null).join();
        int requests = sent.size();
        Map<String, Expected> expected = new LinkedHashMap<>(RolloutWorkload.expected(scenario, requests));
        String filter = "eventTimestamp ge '" + start.minusSeconds(1) + "' and resourceGroupName eq '" + api.resourceGroup() + "'";
        List<ObservedEvent> events = awaitOutcomes(api, filter, correlations, requests - refused.get(), timeout);
        ended.run();
        RunRecorder recorder = new RunRecorder(start);
        Oracle.Verdict verdict = Oracle.check(expected, events,
                (accept, finish) -> recorder.record(accept.eventTimestamp(), finish.eventTimestamp()));
        Instant last = events.stream().map(ObservedEvent::eventTimestamp).max(Instant::compareTo).orElse(Instant.now());
        return new RunResult(requests, Duration.between(start, last).toMillis() / 1000.0, verdict, recorder,
                LatencySummary.of(responses), refused.get() == 0 ? null : refused.get() + " PUTs were refused");
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
                .header("Authorization", "Bearer " + api.token())
                .PUT(HttpRequest.BodyPublishers.ofString(Json.encodeToString(body)))
                .build();
    }
}
