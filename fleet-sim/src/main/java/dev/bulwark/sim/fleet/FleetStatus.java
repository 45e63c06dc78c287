package dev.bulwark.sim.fleet;

import dev.bulwark.model.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * What a fleet host process says about itself at {@code GET /status} ({@code ?gc=true} collects garbage
 * first, so {@code heapUsedBytes} is the live heap): its machines, how far connecting and reporting got,
 * and what it processed.
 *
 * @param ready true once every machine is connected, has its local rules and the host consumes operations
 */
public record FleetStatus(String host, int machines, int connected, long reportsSent, boolean ready, long consumed,
                          long succeeded, long failed, long duplicates, long deadLetters, long heapUsedBytes,
                          int partitions, double connectSeconds) {

    public String describe() {
        return String.format("%d machines, %s, %d partitions, %d operations done, heap %d MB", machines,
                ready ? "ready" : "connecting (" + connected + " connected)", partitions, succeeded + failed,
                heapUsedBytes / (1024 * 1024));
    }

    public static Optional<FleetStatus> fetch(String url, boolean collectGarbage) {
        try {
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(url + (collectGarbage ? "?gc=true" : ""))).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200 ? Optional.of(Json.MAPPER.readValue(response.body(), FleetStatus.class))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
