package dev.bulwark.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.bulwark.infra.LocalPki;
import dev.bulwark.model.CatalogRef;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.ExtensionSpec;
import dev.bulwark.model.Json;
import dev.bulwark.model.MachineIds;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.PackageRef;
import dev.bulwark.model.SealedSettings;
import dev.bulwark.model.Signed;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import dev.bulwark.model.crypto.OperationBatchSigner;
import dev.bulwark.model.crypto.SealedBox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cloud side of the contract, as small as a test needs, over https (see {@link TestTls}): answers the ARM machine registration that
 * {@code connect} sends (and the bulk registration of a simulated fleet) (with this cloud's signing key and the catalog key of its {@link TestStorage}),
 * signs operations like the cloud's outbox does (an install or upgrade names a real package and the signed
 * catalog that lists it), and serves storage through its private-endpoint route
 * ({@code /private-endpoint/<storage host>/<path>}). Not a stand-in for Kafka: the tests run a real broker.
 */
public final class TestCloud implements AutoCloseable {
    /** What tests pass as {@code connect --token}: this stand-in cloud checks no credential, the real one does. */
    public static final String ONBOARDING_TOKEN = "test-onboarding-token";
    public static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
    public static final String RESOURCE_GROUP = "web";
    private static final String BULK_PATH = "/providers/Bulwark.Fleet/registerMachines";

    private final KeyPair signing = Ed25519.generate();
    private final Ed25519.SigningKey signingKey = Ed25519.signingKey(signing.getPrivate());
    private final TestStorage storage;
    private final HttpServer server;
    private final List<String> privateEndpointRequests = new CopyOnWriteArrayList<>();
    /** What the registration answer offers as properties.catalogSigningKeys; null leaves the field out. */
    private volatile List<String> offeredCatalogKeys;
    private final Map<String, JsonNode> registrations = new ConcurrentHashMap<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private volatile int failWithStatus;
    private volatile String failTarget;
    private volatile boolean bulkEndpoint = true;
    private final AtomicInteger connectionsToDrop = new AtomicInteger();
    private final List<Integer> bulkRequestSizes = new CopyOnWriteArrayList<>();
    /** The last sequence number given to each machine's operations. */
    private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();

    /** A cloud serving https with a certificate of {@link TestTls#local()}, as machines that pinned it expect. */
    public TestCloud() throws IOException {
        this(TestTls.local());
    }

    /** A cloud (and its storage) serving https with a certificate of {@code tls}. */
    public TestCloud(LocalPki tls) throws IOException {
        storage = new TestStorage(tls);
        offeredCatalogKeys = List.of(Ed25519.encodePublic(storage.catalogKeys().getPublic()));
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls.serverSslContext()));
        server = https;
        server.createContext("/subscriptions/", exchange -> {
            try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                String path = exchange.getRequestURI().getPath();
                paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
                if (connectionsToDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    return; // closed without an answer: the client sees a connection failure
                }
                byte[] body;
                int status;
                if (!bulkEndpoint && path.endsWith(BULK_PATH)) {
                    body = "{\"error\":{\"code\":\"InvalidResourceType\",\"message\":\"no such resource type\"}}"
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(404, body.length);
                    out.write(body);
                    return;
                }
                if (failWithStatus != 0) {
                    status = failWithStatus;
                    ObjectNode refusal = Json.MAPPER.createObjectNode();
                    ObjectNode error = refusal.putObject("error").put("code", "AuthorizationFailed").put("message", "no permission");
                    if (failTarget != null) {
                        error.put("target", failTarget);
                    }
                    body = Json.encode(refusal);
                } else {
                    JsonNode request = Json.MAPPER.readTree(in.readAllBytes());
                    ObjectNode answer = path.endsWith(BULK_PATH) ? registerMany(request) : registerOne(path, request);
                    ObjectNode properties = answer.with("properties")
                            .put("cloudSigningKey", Ed25519.encodePublic(signing.getPublic()));
                    List<String> catalogKeys = offeredCatalogKeys;
                    if (catalogKeys != null) {
                        catalogKeys.forEach(properties.putArray("catalogSigningKeys")::add);
                    }
                    status = 200;
                    body = Json.encode(answer);
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                out.write(body);
            }
        });
        server.createContext("/private-endpoint/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                privateEndpointRequests.add(path);
                String rest = path.substring("/private-endpoint/".length());
                int slash = rest.indexOf('/');
                TestStorage.send(exchange, slash < 0 || !rest.substring(0, slash).equals("127.0.0.1") ? null
                        : storage.object(rest.substring(slash)));
            }
        });
        server.start();
    }

    public TestStorage storage() {
        return storage;
    }

    /** Paths requested through the private-endpoint route. */
    public List<String> privateEndpointRequests() {
        return privateEndpointRequests;
    }

    /** The catalog keys the registration answer offers from now on (base64 X.509); null: no such field. */
    public void offerCatalogKeys(List<String> keys) {
        offeredCatalogKeys = keys;
    }

    /** {@code PUT .../machines/{name}}: one machine, as ARM does. */
    private ObjectNode registerOne(String path, JsonNode request) {
        String machine = path.substring(path.lastIndexOf('/') + 1);
        registrations.put(machine, request);
        ObjectNode answer = Json.MAPPER.createObjectNode().put("name", machine).put("location", "local");
        answer.putObject("properties").put("provisioningState", "Succeeded");
        return answer;
    }

    /** {@code POST .../Bulwark.Fleet/registerMachines}: each machine kept in the shape of its own PUT's body. */
    private ObjectNode registerMany(JsonNode request) {
        JsonNode machines = request.path("machines");
        bulkRequestSizes.add(machines.size());
        int created = 0;
        for (JsonNode machine : machines) {
            ObjectNode asPut = Json.MAPPER.createObjectNode().put("location", request.path("location").asText());
            asPut.putObject("properties").<ObjectNode>set("agentPublicKeys", machine.get("agentPublicKeys"))
                    .set("agentVersion", machine.get("agentVersion"));
            if (registrations.put(machine.path("name").asText(), asPut) == null) {
                created++;
            }
        }
        return Json.MAPPER.createObjectNode().put("registered", machines.size()).put("created", created);
    }

    /** How many machines each bulk registration request named, in order. */
    public List<Integer> bulkRequestSizes() {
        return bulkRequestSizes;
    }

    /** Answers the bulk registration with 404, like a cloud from before it existed. */
    public void withoutBulkEndpoint() {
        bulkEndpoint = false;
    }

    /** The next {@code count} registration requests get no answer (the connection closes). */
    public void dropConnections(int count) {
        connectionsToDrop.set(count);
    }

    public URI url() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    public KeyPair signingKeys() {
        return signing;
    }

    /** What {@code connect} sent for {@code machine} ({@code {"location", "properties":{"agentPublicKeys",...}}}). */
    public JsonNode registration(String machine) {
        return registrations.get(machine);
    }

    public List<String> requests() {
        return paths;
    }

    public void failRegistrationsWith(int status) {
        failRegistrationsWith(status, null);
    }

    /** Registrations fail with {@code status} and an ARM error whose {@code target} is given (null: none). */
    public void failRegistrationsWith(int status, String target) {
        failTarget = target;
        failWithStatus = status;
    }

    public static String machineId(String machine) {
        return MachineIds.resourceId(SUBSCRIPTION, RESOURCE_GROUP, machine);
    }

    /**
     * An operation for {@code machine}, signed by this cloud, for the extension named like its type;
     * protected settings are sealed to the machine's registered key.
     */
    public ExtensionOperation operation(String machine, OperationKind kind, String publisher, String type, String version,
                                        ObjectNode settings, String protectedSettings) {
        return operation(machine, kind, type, publisher, type, version, settings, protectedSettings);
    }

    /** An operation for the extension {@code name} on {@code machine}, numbered next and issued now, signed by this cloud. */
    public ExtensionOperation operation(String machine, OperationKind kind, String name, String publisher, String type,
                                        String version, ObjectNode settings, String protectedSettings) {
        String machineId = machineId(machine);
        String operationId = UUID.randomUUID().toString();
        SealedSettings sealed = null;
        if (protectedSettings != null) {
            String encryptionKey = registrations.get(machine).path("properties").path("agentPublicKeys").path("encryption").asText();
            sealed = SealedBox.seal(protectedSettings.getBytes(StandardCharsets.UTF_8), SealedBox.decodePublic(encryptionKey),
                    machineId, operationId);
        }
        ExtensionSpec spec = new ExtensionSpec(name, publisher, type, version, settings, sealed);
        boolean hasPackage = kind == OperationKind.INSTALL || kind == OperationKind.UPGRADE;
        PackageRef packageRef = hasPackage ? storage.publish(publisher, type, version, false) : null;
        CatalogRef catalogRef = hasPackage ? storage.catalogRef() : null;
        ExtensionOperation unsigned = new ExtensionOperation(ExtensionOperation.SCHEMA_VERSION, operationId,
                UUID.randomUUID().toString(), machineId, nextSequence(machineId), kind, spec, packageRef, catalogRef,
                Instant.now(), null);
        return sign(unsigned);
    }

    /** The machine's next sequence number, as the cloud counts them: 1, 2, 3... in the order operations are made. */
    public long nextSequence(String machineId) {
        return sequences.computeIfAbsent(machineId, id -> new AtomicLong()).incrementAndGet();
    }

    /**
     * A new operation (its own id) like {@code template}, but numbered {@code sequence} and issued at
     * {@code issuedAt}, signed by this cloud: what a cloud with another counter or another clock would send.
     */
    public ExtensionOperation copy(ExtensionOperation template, long sequence, Instant issuedAt) {
        sequences.computeIfAbsent(template.machineId(), id -> new AtomicLong()).accumulateAndGet(sequence, Math::max);
        return sign(new ExtensionOperation(template.schemaVersion(), UUID.randomUUID().toString(),
                template.correlationId(), template.machineId(), sequence, template.kind(), template.extension(),
                template.packageRef(), template.catalog(), issuedAt, null));
    }

    /** Signs a singly signed cloud-to-agent message (a guest assignment) with this cloud's key, as the outbox does. */
    public <T extends Signed<T>> T sign(T message) {
        return MessageSigner.sign(message, signingKey);
    }

    /** Signs one operation as a batch of one, as the outbox does for an operation sent alone. */
    public ExtensionOperation sign(ExtensionOperation operation) {
        return signBatch(List.of(operation)).get(0);
    }

    /** Signs operations as one batch (one root signature, each with its inclusion proof), as the outbox does. */
    public List<ExtensionOperation> signBatch(List<ExtensionOperation> operations) {
        return OperationBatchSigner.sign(operations.stream().map(o -> o.withSignature(null)).toList(), signingKey);
    }

    /** {@code operation} naming another package and catalog (null: none), signed again. */
    public ExtensionOperation withReferences(ExtensionOperation operation, PackageRef packageRef, CatalogRef catalog) {
        return sign(new ExtensionOperation(operation.schemaVersion(), operation.operationId(), operation.correlationId(),
                operation.machineId(), operation.sequence(), operation.kind(), operation.extension(), packageRef, catalog,
                operation.issuedAt(), null));
    }

    public ExtensionOperation operation(String machine, OperationKind kind, String publisherSlashType) {
        String[] parts = publisherSlashType.split("/");
        return operation(machine, kind, parts[0], parts[1], "1.0", null, null);
    }

    @Override
    public void close() {
        server.stop(0);
        storage.close();
    }
}
