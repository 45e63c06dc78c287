package dev.bulwark.agent.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.tls.CloudHttp;
import dev.bulwark.model.Json;
import dev.bulwark.model.MachineKeys;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Registers one machine with the cloud the ARM way ({@code PUT .../Microsoft.HybridCompute/machines/{name}})
 * and returns what the answer offers to trust: the cloud's operation-signing key and its catalog-signing keys.
 * Simulated fleets register in chunks instead ({@link FleetRegistrar}).
 */
public final class CloudRegistrar {
    public static final String API_VERSION = "2024-07-10";

    private final HttpClient http;
    private final RegistrationCredential credential;

    public CloudRegistrar(HttpClient http, RegistrationCredential credential) {
        this.http = http;
        this.credential = credential;
    }

    /** Over an HTTP client that trusts the JVM's default trust store (a cloud with a public certificate). */
    public CloudRegistrar(RegistrationCredential credential) {
        this(CloudHttp.client(null, Duration.ofSeconds(10)), credential);
    }

    /** For tests against a stand-in cloud that checks no credential. */
    public CloudRegistrar(HttpClient http) {
        this(http, RegistrationCredential.NONE);
    }

    public CloudRegistrar() {
        this(RegistrationCredential.NONE);
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
        URI uri = URI.create(RegistrationExchange.resourceGroupUrl(cloud, subscription, resourceGroup)
                + "/providers/Microsoft.HybridCompute/machines/" + RegistrationExchange.segment(machine)
                + "?api-version=" + API_VERSION);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.encode(body)));
        credential.applyTo(request);
        return RegistrationExchange.exchange(http, request.build(), cloud, machine)
                .thenApply(answer -> RegistrationExchange.registration(machine, answer));
    }

    /** Registration failed; the message says why, for the administrator. */
    public static final class RegistrationException extends RuntimeException {
        private final String target;
        private final int status;

        public RegistrationException(String message) {
            this(message, null, 0);
        }

        /**
         * @param target what the cloud's error answer says was wrong ({@code error.target}), or null
         * @param status the HTTP status of the cloud's answer, 0 when there was none
         */
        public RegistrationException(String message, String target, int status) {
            super(message);
            this.target = target;
            this.status = status;
        }

        public String target() {
            return target;
        }

        public int status() {
            return status;
        }
    }
}
