package dev.bulwark.agent.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.identity.CloudRegistrar.Registration;
import dev.bulwark.agent.identity.CloudRegistrar.RegistrationException;
import dev.bulwark.agent.tls.CloudHttp;
import dev.bulwark.model.Json;
import dev.bulwark.model.MachineKeys;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Registers the machines of a simulated fleet many at a time, through the cloud's bulk endpoint
 * ({@code POST .../providers/Bulwark.Fleet/registerMachines}, a Bulwark resource: ARM has none), so that
 * 100,000 machines cost 50 requests instead of 100,000. The answer offers the same trust roots as a
 * machine's own registration. A request either registers every machine it names or none.
 */
public final class FleetRegistrar {
    /** The API version of the bulk endpoint. */
    public static final String API_VERSION = "2026-12-01";
    /** Machines per request: the cloud takes up to 5,000; 2,000 keeps a request near half a megabyte. */
    public static final int CHUNK = 2_000;
    private static final Pattern MACHINE_INDEX = Pattern.compile("^machines\\[(\\d{1,9})]");

    private final HttpClient http;
    private final RegistrationCredential credential;

    public FleetRegistrar(HttpClient http, RegistrationCredential credential) {
        this.http = http;
        this.credential = credential;
    }

    /** Over an HTTP client that trusts the JVM's default trust store (a cloud with a public certificate). */
    public FleetRegistrar(RegistrationCredential credential) {
        this(CloudHttp.client(null, Duration.ofSeconds(10)), credential);
    }

    /** For tests against a stand-in cloud that checks no credential. */
    public FleetRegistrar(HttpClient http) {
        this(http, RegistrationCredential.NONE);
    }

    public FleetRegistrar() {
        this(RegistrationCredential.NONE);
    }

    /** One machine of a request: its name and the public keys it registers. */
    public record Member(String name, MachineKeys keys) {
    }

    /**
     * Registers up to {@link #CHUNK} machines in one request; completes with what the cloud offers to trust,
     * or fails with a {@link RegistrationException} naming the machine the cloud's error points at.
     */
    public CompletableFuture<Registration> register(URI cloud, String subscription, String resourceGroup,
                                                    List<Member> machines, String agentVersion) {
        if (machines.isEmpty() || machines.size() > CHUNK) {
            throw new IllegalArgumentException("a request registers 1 to " + CHUNK + " machines, not " + machines.size());
        }
        ObjectNode body = Json.MAPPER.createObjectNode().put("location", "local");
        ArrayNode list = body.putArray("machines");
        for (Member machine : machines) {
            ObjectNode entry = list.addObject().put("name", machine.name());
            entry.putObject("agentPublicKeys").put("signing", machine.keys().signing())
                    .put("encryption", machine.keys().encryption());
            entry.put("agentVersion", agentVersion);
        }
        URI uri = URI.create(RegistrationExchange.resourceGroupUrl(cloud, subscription, resourceGroup)
                + "/providers/Bulwark.Fleet/registerMachines?api-version=" + API_VERSION);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.encode(body)));
        credential.applyTo(request);
        String subject = machines.size() == 1 ? machines.get(0).name()
                : machines.size() + " machines " + machines.get(0).name() + " .. " + machines.get(machines.size() - 1).name();
        return RegistrationExchange.exchange(http, request.build(), cloud, subject)
                .exceptionally(error -> {
                    throw naming(unwrap(error), machines);
                })
                .thenApply(answer -> {
                    JsonNode registered = answer.get("registered");
                    if (registered == null || !registered.canConvertToInt() || registered.intValue() != machines.size()) {
                        throw new RegistrationException("the cloud's answer for " + subject + " says it registered "
                                + (registered == null ? "nothing" : registered.asText()) + " of " + machines.size());
                    }
                    return RegistrationExchange.registration(subject, answer);
                });
    }

    /** The refusal, with the name of the machine its {@code error.target} points at ({@code machines[17]...}). */
    private static RegistrationException naming(RegistrationException refusal, List<Member> machines) {
        Matcher index = refusal.target() == null ? null : MACHINE_INDEX.matcher(refusal.target());
        if (index == null || !index.find()) {
            return refusal;
        }
        int at = Integer.parseInt(index.group(1));
        if (at >= machines.size()) {
            return refusal;
        }
        return new RegistrationException(refusal.getMessage() + " (at " + refusal.target() + ": machine "
                + machines.get(at).name() + ")", refusal.target(), refusal.status());
    }

    private static RegistrationException unwrap(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof RegistrationException)) {
            cause = cause.getCause();
        }
        return cause instanceof RegistrationException refusal ? refusal : new RegistrationException(String.valueOf(cause));
    }
}
