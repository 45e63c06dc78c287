package dev.bulwark.agent.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.agent.identity.CloudRegistrar.Registration;
import dev.bulwark.agent.identity.CloudRegistrar.RegistrationException;
import dev.bulwark.model.Json;
import dev.bulwark.model.crypto.Ed25519;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * What one machine's registration ({@link CloudRegistrar}) and a fleet's ({@link FleetRegistrar}) share: the
 * request sent again after a connection failure (registering the same machines with the same keys again is
 * idempotent; an HTTP answer is never retried), ARM error answers, and the trust roots the answer offers.
 */
final class RegistrationExchange {
    private static final int ATTEMPTS = 4;

    private RegistrationExchange() {
    }

    /** {@code CLOUD/subscriptions/S/resourceGroups/RG}, each segment encoded. */
    static String resourceGroupUrl(URI cloud, String subscription, String resourceGroup) {
        String base = cloud.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/subscriptions/"
                + segment(subscription) + "/resourceGroups/" + segment(resourceGroup);
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Sends {@code request} (again after a connection failure) and turns the answer into what it offers to
     * trust; fails with {@link RegistrationException}.
     *
     * @param subject what is registered, for messages ("web-01", "machines sim-0001 .. sim-2000")
     */
    static CompletableFuture<JsonNode> exchange(HttpClient http, HttpRequest request, URI cloud, String subject) {
        return send(http, request, ATTEMPTS).thenApply(response -> answer(subject, response))
                .exceptionally(error -> {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof RegistrationException refused) {
                        throw refused;
                    }
                    throw new RegistrationException("cannot reach the cloud at " + cloud + ": " + cause);
                });
    }

    private static CompletableFuture<HttpResponse<byte[]>> send(HttpClient http, HttpRequest request, int attemptsLeft) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(response);
                    }
                    if (attemptsLeft <= 1) {
                        return CompletableFuture.<HttpResponse<byte[]>>failedFuture(error);
                    }
                    Executor later = CompletableFuture.delayedExecutor(200L * (ATTEMPTS - attemptsLeft + 1), TimeUnit.MILLISECONDS);
                    return CompletableFuture.supplyAsync(() -> null, later).thenCompose(ignored -> send(http, request, attemptsLeft - 1));
                })
                .thenCompose(next -> next);
    }

    /** The answer's JSON when it is a 2xx; otherwise the ARM error, as a {@link RegistrationException}. */
    private static JsonNode answer(String subject, HttpResponse<byte[]> response) {
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            answer = null;
        }
        if (response.statusCode() / 100 != 2) {
            JsonNode error = answer == null ? null : answer.path("error");
            String detail = error == null || error.isMissingNode()
                    ? new String(response.body(), StandardCharsets.UTF_8)
                    : error.path("code").asText() + ": " + error.path("message").asText();
            throw new RegistrationException("the cloud refused to register " + subject + " (HTTP " + response.statusCode() + ") "
                    + detail, error == null ? null : error.path("target").asText(null), response.statusCode());
        }
        return answer == null ? Json.MAPPER.nullNode() : answer;
    }

    /** What an answer's {@code properties} offer to trust: the cloud key (checked) and catalog keys (as sent). */
    static Registration registration(String subject, JsonNode answer) {
        JsonNode properties = answer.path("properties");
        JsonNode key = properties.get("cloudSigningKey");
        if (key == null || !key.isTextual()) {
            throw new RegistrationException("the cloud's answer for " + subject + " has no properties.cloudSigningKey");
        }
        try {
            Ed25519.decodePublic(key.textValue());
        } catch (IllegalArgumentException e) {
            throw new RegistrationException("the cloud's properties.cloudSigningKey is not an Ed25519 public key");
        }
        return new Registration(key.textValue(), catalogKeys(properties.get("catalogSigningKeys")));
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
}
