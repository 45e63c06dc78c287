package dev.bulwark.agent.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.Json;
import dev.bulwark.model.MachineKeys;
import dev.bulwark.model.crypto.Ed25519;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Registers a machine with the cloud the ARM way ({@code PUT .../Microsoft.HybridCompute/machines/{name}})
 * and returns what the answer offers to trust: the cloud's operation-signing key and its catalog-signing keys.
 */
public final class CloudRegistrar {
    public static final String API_VERSION = "2024-07-10";
    private static final int ATTEMPTS = 4;

    private final HttpClient http;

    public CloudRegistrar(HttpClient http) {
        this.http = http;
    }

    public CloudRegistrar() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    /**
     * What the cloud's answer offers: {@code properties.cloudSigningKey} (base64 X.509 Ed25519, checked) and
     * {@code properties.catalogSigningKeys} (as sent: the caller decides whether to trust them, and checks them then).
     */
    public record Registration(String cloudSigningKey, List<String> catalogSigningKeys) {
        public Registration {
            catalogSigningKeys = catalogSigningKeys == null ? List.of() : List.copyOf(catalogSigningKeys);
        }
    }

    /** Completes with what the cloud answered, or fails with {@link RegistrationException}. */
    public CompletableFuture<Registration> register(URI cloud, String subscription, String resourceGroup, String machine,
                                              MachineKeys keys, String agentVersion) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("location", "local");
        ObjectNode properties = body.putObject("properties");
        properties.putObject("agentPublicKeys").put("signing", keys.signing()).put("encryption", keys.encryption());
        properties.put("agentVersion", agentVersion);
        URI uri = URI.create(trimSlash(cloud.toString()) + "/subscriptions/" + segment(subscription)
                + "/resourceGroups/" + segment(resourceGroup) + "/providers/Microsoft.HybridCompute/machines/"
                + segment(machine) + "?api-version=" + API_VERSION);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.encode(body)))
                .build();
        return send(request, ATTEMPTS).thenApply(response -> registration(machine, response))
                .exceptionally(error -> {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof RegistrationException refused) {
                        throw refused;
                    }
                    throw new RegistrationException("cannot reach the cloud at " + cloud + ": " + cause);
                });
    }

    /** Connection failures are retried (a PUT of the same machine and keys is idempotent); HTTP answers are not. */
    private CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request, int attemptsLeft) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(response);
                    }
                    if (attemptsLeft <= 1) {
                        return CompletableFuture.<HttpResponse<byte[]>>failedFuture(error);
                    }
                    Executor later = CompletableFuture.delayedExecutor(200L * (ATTEMPTS - attemptsLeft + 1), TimeUnit.MILLISECONDS);
                    return CompletableFuture.supplyAsync(() -> null, later).thenCompose(ignored -> send(request, attemptsLeft - 1));
                })
                .thenCompose(next -> next);
    }

    private static Registration registration(String machine, HttpResponse<byte[]> response) {
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(response.body());
        } catch (java.io.IOException e) {
            answer = null;
        }
        if (response.statusCode() / 100 != 2) {
            JsonNode error = answer == null ? null : answer.path("error");
            String detail = error == null || error.isMissingNode()
                    ? new String(response.body(), StandardCharsets.UTF_8)
                    : error.path("code").asText() + ": " + error.path("message").asText();
            throw new RegistrationException("the cloud refused to register " + machine + " (HTTP "
                    + response.statusCode() + ") " + detail);
        }
        JsonNode key = answer == null ? null : answer.path("properties").get("cloudSigningKey");
        if (key == null || !key.isTextual()) {
            throw new RegistrationException("the cloud's answer for " + machine + " has no properties.cloudSigningKey");
        }
        try {
            Ed25519.decodePublic(key.textValue());
        } catch (IllegalArgumentException e) {
            throw new RegistrationException("the cloud's properties.cloudSigningKey is not an Ed25519 public key");
        }
        return new Registration(key.textValue(), catalogKeys(answer.path("properties").get("catalogSigningKeys")));
    }

    /** Absent is fine (no keys offered); anything but strings is kept as an empty string, refused when used. */
    private static List<String> catalogKeys(JsonNode keys) {
        if (keys == null || keys.isNull()) {
            return List.of();
        }
        if (!keys.isArray()) {
            return List.of("");
        }
        List<String> offered = new ArrayList<>();
        keys.forEach(k -> offered.add(k.isTextual() ? k.textValue() : ""));
        return offered;
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Registration failed; the message says why, for the administrator. */
    public static final class RegistrationException extends RuntimeException {
        public RegistrationException(String message) {
            super(message);
        }
    }
}
