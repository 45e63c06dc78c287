package dev.bulwark.cloud.support;

import dev.bulwark.model.auth.MachineTokens;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.AgentConfiguration;
import dev.bulwark.model.AgentReport;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.GuestComplianceReport;
import dev.bulwark.model.InstalledExtension;
import dev.bulwark.model.Json;
import dev.bulwark.model.MachineIds;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.Topics;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import dev.bulwark.model.crypto.SealedBox;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;

/**
 * One machine played by the test, as its agent would: fresh Ed25519 and X25519 keys, registration over
 * the API, operations read from Kafka, signed results and reports written to Kafka.
 */
public final class FakeMachine {
    public final String subscription;
    public final String resourceGroup;
    public final String name;
    public final KeyPair signingKeys = Ed25519.generate();
    public final KeyPair encryptionKeys = SealedBox.generateKeyPair();
    private String cloudSigningKey;
    private List<String> catalogSigningKeys;

    private FakeMachine(String subscription, String resourceGroup, String name) {
        this.subscription = subscription;
        this.resourceGroup = resourceGroup;
        this.name = name;
    }

    /** A machine in its own resource group, so each test's activity log is its own. */
    public static FakeMachine unregistered() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        return new FakeMachine("sub-test", "rg-" + unique, "machine-" + unique);
    }

    /** A machine (not registered yet) at a place of the test's choosing, e.g. a subscription of its own. */
    public static FakeMachine in(String subscription, String resourceGroup, String name) {
        return new FakeMachine(subscription, resourceGroup, name);
    }

    public static FakeMachine registered() {
        FakeMachine machine = unregistered();
        machine.register();
        return machine;
    }

    public String machineId() {
        return MachineIds.resourceId(subscription, resourceGroup, name);
    }

    public String path() {
        return Arm.machinePath(subscription, resourceGroup, name);
    }

    public String extensionPath(String extension) {
        return path() + "/extensions/" + extension;
    }

    public String registrationBody() {
        return "{\"location\":\"westeurope\",\"properties\":{\"agentPublicKeys\":{\"signing\":\""
                + Ed25519.encodePublic(signingKeys.getPublic()) + "\",\"encryption\":\""
                + Ed25519.encodePublic(encryptionKeys.getPublic()) + "\"},\"agentVersion\":\"1.0.0\"}}";
    }

    public void register() {
        JsonPath registered = given().contentType(ContentType.JSON).body(registrationBody())
                .queryParam("api-version", Arm.API_VERSION)
                .put(path()).then().statusCode(201).extract().jsonPath();
        cloudSigningKey = registered.getString("properties.cloudSigningKey");
        catalogSigningKeys = registered.getList("properties.catalogSigningKeys", String.class);
    }

    /** {@code Machine <token>} signed by this machine's key, for the storage endpoint. */
    public String authorization() {
        return MachineTokens.header(MachineTokens.mint(machineId(), signingKeys.getPrivate(), MachineTokens.STORAGE, null,
                java.time.Instant.now()));
    }

    public String cloudSigningKey() {
        return cloudSigningKey;
    }

    /** What {@code connect} takes as the machine's catalog trust roots. */
    public TrustedKeys catalogTrustRoots() {
        return TrustedKeys.of(catalogSigningKeys.stream().map(Ed25519::decodePublic).toList());
    }

    public Response putExtension(String extension, ObjectNode body) {
        return given().contentType(ContentType.JSON).body(body.toString()).queryParam("api-version", Arm.API_VERSION)
                .put(extensionPath(extension));
    }

    public Response getExtension(String extension) {
        return given().queryParam("api-version", Arm.API_VERSION).get(extensionPath(extension));
    }

    /**
     * The operation for this machine whose JSON contains {@code id} (its operationId or correlationId), as it
     * arrived on {@value Topics#EXTENSION_OPERATIONS}, with the record it came in.
     */
    public ReceivedOperation awaitOperation(String id) {
        var record = TestKafka.awaitRecord(Topics.EXTENSION_OPERATIONS, r -> machineId().equals(TestKafka.text(r.key()))
                && TestKafka.text(r.value()).contains(id));
        return new ReceivedOperation(Json.decode(record.value(), ExtensionOperation.class, ExtensionOperation.SCHEMA_VERSION),
                record.value(), TestKafka.text(record.key()));
    }

    public record ReceivedOperation(ExtensionOperation operation, byte[] value, String key) {
    }

    public String guestAssignmentPath(String name) {
        return path() + "/providers/Microsoft.GuestConfiguration/guestConfigurationAssignments/" + name;
    }

    /** The first GuestAssignment for this machine that {@code matches}, as it arrived on Kafka. */
    public ConsumerRecord<byte[], byte[]> awaitGuestAssignment(Predicate<GuestAssignment> matches) {
        return TestKafka.awaitRecord(Topics.GUEST_ASSIGNMENTS, r -> machineId().equals(TestKafka.text(r.key()))
                && matches.test(Json.decode(r.value(), GuestAssignment.class, GuestAssignment.SCHEMA_VERSION)));
    }

    public GuestComplianceReport complianceReport(String assignmentId, String name, String status, String errorCode,
                                                  String message, List<GuestComplianceReport.RuleResult> rules,
                                                  Instant evaluatedAt) {
        return MessageSigner.sign(new GuestComplianceReport(GuestComplianceReport.SCHEMA_VERSION, assignmentId, machineId(),
                name, status, errorCode, message, rules, evaluatedAt, null), signingKeys.getPrivate());
    }

    public void send(GuestComplianceReport report) {
        TestKafka.send(Topics.GUEST_COMPLIANCE, machineId(), Json.encode(report));
    }

    public OperationResult succeeded(ExtensionOperation operation) {
        return result(operation, ResultStatus.Succeeded, null, "Extension enabled");
    }

    public OperationResult result(ExtensionOperation operation, ResultStatus status, String errorCode, String message) {
        return MessageSigner.sign(new OperationResult(OperationResult.SCHEMA_VERSION, operation.operationId(), machineId(),
                operation.extension().name(), operation.kind(), status, errorCode, message, null, null, Instant.now(), null),
                signingKeys.getPrivate());
    }

    public void send(OperationResult result) {
        TestKafka.send(Topics.EXTENSION_RESULTS, machineId(), Json.encode(result));
    }

    public void report(String configMode, Instant sentAt) {
        report(configMode, sentAt, List.of());
    }

    /** A report listing {@code installed}; {@code configMode} shows on the machine once it was projected. */
    public void report(String configMode, Instant sentAt, List<InstalledExtension> installed) {
        AgentConfiguration configuration = new AgentConfiguration(List.of(), List.of(), true, true, configMode, true,
                List.of(), null, List.of(), null, null);
        AgentReport report = MessageSigner.sign(new AgentReport(AgentReport.SCHEMA_VERSION, machineId(), "1.0.1",
                configuration, installed, sentAt, null), signingKeys.getPrivate());
        TestKafka.send(Topics.AGENT_REPORTS, machineId(), Json.encode(report));
    }
}
