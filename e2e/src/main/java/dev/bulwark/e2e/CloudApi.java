package dev.bulwark.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.Json;
import dev.bulwark.model.crypto.TlsTrust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small client of the cloud's ARM-shaped API, as the Azure CLI or a script would call it. */
public final class CloudApi {
    public static final String API_VERSION = "2024-07-10";
    public static final String ACTIVITY_LOG_API_VERSION = "2015-04-01";
    public static final String GUEST_CONFIGURATION_API_VERSION = "2024-04-05";
    public static final String FLEET_API_VERSION = "2026-12-01";

    private final String baseUrl;
    private final String subscription;
    private final String resourceGroup;
    private final HttpClient http;

    private final String token;

    /**
     * @param ca    the PEM of the CA the cloud's certificate comes from (BULWARK_CA), trusted alone; null: the JVM's
     * @param token a bearer token ({@code ./bulwark token}); every request carries it
     */
    public CloudApi(String baseUrl, Path ca, String subscription, String resourceGroup, String token) {
        this.baseUrl = baseUrl;
        this.subscription = subscription;
        this.resourceGroup = resourceGroup;
        this.http = httpClient(ca, Duration.ofSeconds(5));
        this.token = token;
    }

    public String token() {
        return token;
    }

    /**
     * A client of the cloud, trusting {@code ca} alone (null: the JVM's trust store). HTTP/1.1: over plain http the
     * JDK client tries an h2c upgrade, and a 4 MB activity-log page on an upgraded connection failed with
     * "Frame type(110) ... exceeds MAX_FRAME_SIZE" under load; over TLS it would negotiate HTTP/2 by ALPN instead.
     */
    public static HttpClient httpClient(Path ca, Duration connectTimeout) {
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout);
        if (ca != null) {
            try {
                client.sslContext(TlsTrust.fromFile(ca).sslContext());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the cloud's CA certificate " + ca, e);
            }
        }
        return client.build();
    }

    /** This API's HTTP client (its TLS trust), for callers that send many requests of their own. */
    public HttpClient http() {
        return http;
    }

    public record Response(int status, JsonNode body, HttpResponse<String> raw) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public String machinePath(String machine) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.HybridCompute/machines/" + machine;
    }

    public String extensionPath(String machine, String extension) {
        return machinePath(machine) + "/extensions/" + extension;
    }

    public Response putExtension(String machine, String extension, ObjectNode body) {
        return send("PUT", extensionPath(machine, extension) + "?api-version=" + API_VERSION, Json.encodeToString(body));
    }

    public Response deleteExtension(String machine, String extension) {
        return send("DELETE", extensionPath(machine, extension) + "?api-version=" + API_VERSION, null);
    }

    public Response getExtension(String machine, String extension) {
        return send("GET", extensionPath(machine, extension) + "?api-version=" + API_VERSION, null);
    }

    public String guestAssignmentPath(String machine, String assignment) {
        return machinePath(machine) + "/providers/Microsoft.GuestConfiguration/guestConfigurationAssignments/" + assignment
                + "?api-version=" + GUEST_CONFIGURATION_API_VERSION;
    }

    public Response putGuestAssignment(String machine, String assignment, ObjectNode body) {
        return send("PUT", guestAssignmentPath(machine, assignment), Json.encodeToString(body));
    }

    public Response getGuestAssignment(String machine, String assignment) {
        return send("GET", guestAssignmentPath(machine, assignment), null);
    }

    public Response getMachine(String machine) {
        return send("GET", machinePath(machine) + "?api-version=" + API_VERSION, null);
    }

    /** The activity log, filtered as the Azure Monitor API filters it, e.g. {@code correlationId eq '...'}. */
    public Response activityLog(String filter) {
        return send("GET", activityLogPath(filter), null);
    }

    public String activityLogPath(String filter) {
        return "/subscriptions/" + subscription + "/providers/Microsoft.Insights/eventtypes/management/values?api-version="
                + ACTIVITY_LOG_API_VERSION + "&$filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8);
    }

    public String rolloutPath(String rollout) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Bulwark.Fleet/extensionRollouts/" + rollout;
    }

    /** Starts a rollout: one extension operation on every machine of a target, in stages. */
    public Response putRollout(String rollout, ObjectNode body) {
        return send("PUT", rolloutPath(rollout) + "?api-version=" + FLEET_API_VERSION, Json.encodeToString(body));
    }

    public Response getRollout(String rollout) {
        return send("GET", rolloutPath(rollout) + "?api-version=" + FLEET_API_VERSION, null);
    }

    /**
     * Every activity-log event matching {@code filter}, following {@code nextLink} a page of 1,000 at a time
     * (newest first, as the API serves them).
     */
    public List<JsonNode> activityEvents(String filter) {
        List<JsonNode> events = new ArrayList<>();
        String next = activityLogPath(filter) + "&$top=1000";
        while (next != null) {
            Response page = send("GET", next, null);
            if (page.status() != 200) {
                throw new IllegalStateException("the activity log answered " + page.status() + ": " + page.body());
            }
            page.body().path("value").forEach(events::add);
            JsonNode link = page.body().get("nextLink");
            next = link == null || link.isNull() ? null : link.textValue().substring(link.textValue().indexOf("/subscriptions/"));
        }
        return events;
    }

    /** Uploads a package version (a ZIP) to the cloud's extension catalog. */
    public Response publishVersion(String location, String publisher, String type, String version, byte[] zip) {
        String path = "/subscriptions/" + subscription + "/providers/Microsoft.HybridCompute/locations/" + location
                + "/publishers/" + publisher + "/extensionTypes/" + type + "/versions/" + version + "?api-version=" + API_VERSION;
        return send("PUT", path, "application/zip", HttpRequest.BodyPublishers.ofByteArray(zip));
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String resourceGroup() {
        return resourceGroup;
    }

    public Response send(String method, String pathAndQuery, String body) {
        return send(method, pathAndQuery, "application/json",
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    private Response send(String method, String pathAndQuery, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .header("Authorization", "Bearer " + token);
        request.method(method, body);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body() == null || response.body().isBlank() ? null : Json.MAPPER.readTree(response.body());
            return new Response(response.statusCode(), json, response);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + pathAndQuery + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
