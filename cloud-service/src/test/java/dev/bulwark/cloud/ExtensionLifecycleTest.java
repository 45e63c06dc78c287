package dev.bulwark.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cloud.support.Tokens;
import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.OperationVerifier;
import dev.bulwark.model.crypto.SealedBox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.awaitility.Awaitility.await;

/** The whole round trip of an extension operation: API, signed message on Kafka, agent result, projection. */
@QuarkusTest
class ExtensionLifecycleTest {

    /** Installs and upgrades need published packages. */
    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0", "1.1", "1.9", "1.10");
    }

    @Test
    void anInstallIsSignedSealedForTheMachineAndLoggedOnceWhenItSucceeds() throws Exception {
        FakeMachine machine = FakeMachine.registered();
        String correlationId = UUID.randomUUID().toString();

        Response accepted = given().contentType(ContentType.JSON).header("x-ms-correlation-request-id", correlationId)
                .header("x-ms-client-principal-name", "alice@contoso.test")
                .body(Bodies.extensionWithSecret("1.0", "s3cret-token").toString())
                .queryParam("api-version", Arm.API_VERSION)
                .put(machine.extensionPath("logs"));

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.header("x-ms-correlation-request-id")).isEqualTo(correlationId);
        assertThat(accepted.header("Retry-After")).isNotBlank();
        String operationId = Arm.operationIdOf(accepted);
        assertThat(accepted.header("Azure-AsyncOperation")).contains("/subscriptions/sub-test/providers/Microsoft.HybridCompute"
                + "/locations/westeurope/operationstatus/" + operationId + "?api-version=" + Arm.API_VERSION);
        assertThat(accepted.header("Location")).contains("/operationresults/" + operationId);
        assertThat(accepted.jsonPath().getString("properties.provisioningState")).isEqualTo("Creating");

        FakeMachine.ReceivedOperation received = machine.awaitOperation(operationId);
        ExtensionOperation operation = received.operation();
        assertThat(received.key()).isEqualTo(machine.machineId());
        assertThat(new OperationVerifier(Ed25519.verifyingKey(Ed25519.decodePublic(machine.cloudSigningKey())))
                .verify(Json.tree(received.value()))).isTrue();
        assertThat(operation.kind()).isEqualTo(OperationKind.INSTALL);
        assertThat(operation.correlationId()).isEqualTo(correlationId);
        assertThat(operation.machineId()).isEqualTo(machine.machineId());
        assertThat(operation.extension().settings().get("endpoint").asText()).isEqualTo("https://logs.example.test");
        assertThat(operation.packageRef()).isNotNull();
        assertThat(new String(received.value(), StandardCharsets.UTF_8)).doesNotContain("s3cret-token");
        byte[] opened = SealedBox.open(operation.extension().protectedSettings(), machine.encryptionKeys.getPrivate(),
                machine.machineId(), operationId);
        assertThat(Json.tree(opened).get("token").asText()).isEqualTo("s3cret-token");

        OperationResult result = machine.succeeded(operation);
        machine.send(result);

        await().atMost(PATIENCE).until(() -> "Succeeded".equals(machine.getExtension("logs").path("properties.provisioningState")));
        JsonPath extension = machine.getExtension("logs").jsonPath();
        assertThat(extension.getString("type")).isEqualTo("Microsoft.HybridCompute/machines/extensions");
        assertThat(extension.getString("properties.instanceView.status.code")).isEqualTo("ProvisioningState/succeeded");
        assertThat(extension.getString("properties.instanceView.typeHandlerVersion")).isEqualTo("1.0");
        List<JsonNode> events = eventsOf(machine, correlationId, 2);
        assertThat(events).extracting(e -> e.at("/status/value").asText()).containsExactlyInAnyOrder("Started", "Succeeded");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("correlationId").asText()).isEqualTo(correlationId);
            // The token's principal, never the x-ms-client-principal-name header the request also sent.
            assertThat(e.get("caller").asText()).isEqualTo(Tokens.TEST_ADMIN);
            assertThat(e.at("/operationName/value").asText()).isEqualTo("Microsoft.HybridCompute/machines/extensions/write");
            assertThat(e.get("resourceId").asText()).isEqualTo(machine.machineId() + "/extensions/logs");
            assertThat(e.get("operationId").asText()).isEqualTo(operationId);
        });

        machine.send(result);
        // Results of one machine share a partition: once a later result is applied, the duplicate was too.
        installed(machine, "later", "1.0");
        assertThat(eventsOf(machine, correlationId, 2)).hasSize(2);
        assertThat(machine.getExtension("logs").jsonPath().getString("properties.provisioningState")).isEqualTo("Succeeded");
    }

    @Test
    void aBlockedInstallFailsWithTheAgentsErrorCodeAndMessage() {
        FakeMachine machine = FakeMachine.registered();
        Response accepted = machine.putExtension("logs", Bodies.extension("1.0"));
        String operationId = Arm.operationIdOf(accepted);
        ExtensionOperation operation = machine.awaitOperation(operationId).operation();
        String message = "Contoso.Monitoring/LogShipper is on the local blocklist; run 'bulwark-agent config set"
                + " extensions.blocklist ... --remove' on the machine to allow it";

        machine.send(machine.result(operation, ResultStatus.Failed, ErrorCode.ExtensionBlockedByBlocklist.name(), message));

        await().atMost(PATIENCE).until(() -> "Failed".equals(machine.getExtension("logs").path("properties.provisioningState")));
        JsonPath extension = machine.getExtension("logs").jsonPath();
        assertThat(extension.getString("properties.instanceView.status.code")).endsWith("ExtensionBlockedByBlocklist");
        assertThat(extension.getString("properties.instanceView.status.level")).isEqualTo("Error");
        assertThat(extension.getString("properties.instanceView.status.message")).isEqualTo(message);
        JsonNode failed = eventsOf(machine, accepted.header("x-ms-correlation-request-id"), 2).stream()
                .filter(e -> e.at("/status/value").asText().equals("Failed")).findFirst().orElseThrow();
        assertThat(failed.get("level").asText()).isEqualTo("Error");
        assertThat(failed.at("/properties/errorCode").asText()).isEqualTo("ExtensionBlockedByBlocklist");
        assertThat(failed.at("/properties/message").asText()).isEqualTo(message);

        JsonPath status = given().queryParam("api-version", Arm.API_VERSION)
                .get(Arm.relative(accepted.header("Azure-AsyncOperation"))).then().statusCode(200).extract().jsonPath();
        assertThat(status.getString("status")).isEqualTo("Failed");
        assertThat(status.getString("error.code")).isEqualTo("ExtensionBlockedByBlocklist");
        assertThat(status.getString("name")).isEqualTo(operationId);
    }

    @Test
    void theOperationStatusIsInProgressUntilTheResultArrives() {
        FakeMachine machine = FakeMachine.registered();
        Response accepted = machine.putExtension("logs", Bodies.extension("1.0"));
        String statusUrl = Arm.relative(accepted.header("Azure-AsyncOperation"));
        String resultUrl = Arm.relative(accepted.header("Location"));

        JsonPath inProgress = given().get(statusUrl).then().statusCode(200).extract().jsonPath();
        assertThat(inProgress.getString("status")).isEqualTo("InProgress");
        assertThat(inProgress.getString("startTime")).isNotBlank();
        assertThat(inProgress.getString("endTime")).isNull();
        given().get(resultUrl).then().statusCode(202).header("Retry-After", notNullValue());

        ExtensionOperation operation = machine.awaitOperation(Arm.operationIdOf(accepted)).operation();
        machine.send(machine.succeeded(operation));

        await().atMost(PATIENCE).until(() -> "Succeeded".equals(given().get(statusUrl).path("status")));
        assertThat(given().get(statusUrl).jsonPath().getString("endTime")).isNotBlank();
        // The Location URL ends a PUT with the extension, as the final GET of an SDK poller expects.
        given().get(resultUrl).then().statusCode(200).body("name", is("logs")).body("properties.provisioningState", is("Succeeded"));
        given().queryParam("api-version", Arm.API_VERSION)
                .get("/subscriptions/sub-test/providers/Microsoft.HybridCompute/locations/westeurope/operationstatus/"
                        + UUID.randomUUID()).then().statusCode(404).body("error.code", is("ResourceNotFound"));
    }

    @Test
    void aSuccessfulDeleteRemovesTheExtension() {
        FakeMachine machine = FakeMachine.registered();
        installed(machine, "logs", "1.0");

        Response accepted = given().queryParam("api-version", Arm.API_VERSION).delete(machine.extensionPath("logs"));

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(machine.getExtension("logs").jsonPath().getString("properties.provisioningState")).isEqualTo("Deleting");
        ExtensionOperation delete = machine.awaitOperation(Arm.operationIdOf(accepted)).operation();
        assertThat(delete.kind()).isEqualTo(OperationKind.DELETE);
        machine.send(machine.succeeded(delete));
        await().atMost(PATIENCE).until(() -> machine.getExtension("logs").statusCode() == 404);
        List<JsonNode> events = eventsOf(machine, accepted.header("x-ms-correlation-request-id"), 2);
        assertThat(events).allSatisfy(e -> assertThat(e.at("/operationName/value").asText())
                .isEqualTo("Microsoft.HybridCompute/machines/extensions/delete"));
        given().queryParam("api-version", Arm.API_VERSION).delete(machine.extensionPath("logs")).then().statusCode(204);
    }

    @Test
    void newSettingsAtTheSameVersionAreAnUpdateAndAHigherVersionIsAnUpgrade() {
        FakeMachine machine = FakeMachine.registered();
        installed(machine, "logs", "1.9");

        var reconfigure = Bodies.extension("1.9");
        reconfigure.with("properties").with("settings").put("endpoint", "https://other.example.test");
        ExtensionOperation update = machine.awaitOperation(Arm.operationIdOf(machine.putExtension("logs", reconfigure))).operation();
        assertThat(update.kind()).isEqualTo(OperationKind.UPDATE);
        machine.send(machine.succeeded(update));

        ExtensionOperation upgrade = machine.awaitOperation(Arm.operationIdOf(machine.putExtension("logs", Bodies.extension("1.10"))))
                .operation();
        assertThat(upgrade.kind()).isEqualTo(OperationKind.UPGRADE);
        assertThat(upgrade.extension().version()).isEqualTo("1.10");
    }

    @Test
    void upgradeExtensionsSendsAnUpgradeLoggedAsTheUpgradeAction() {
        FakeMachine machine = FakeMachine.registered();
        installed(machine, "logs", "1.0");

        Response accepted = given().contentType(ContentType.JSON).queryParam("api-version", Arm.API_VERSION)
                .body("{\"extensionTargets\":{\"Contoso.Monitoring.LogShipper\":{\"targetVersion\":\"1.1\"}}}")
                .post(machine.path() + "/upgradeExtensions");

        assertThat(accepted.statusCode()).isEqualTo(202);
        String correlationId = accepted.header("x-ms-correlation-request-id");
        ExtensionOperation upgrade = machine.awaitOperation(correlationId).operation();
        assertThat(upgrade.kind()).isEqualTo(OperationKind.UPGRADE);
        assertThat(upgrade.extension().version()).isEqualTo("1.1");
        machine.send(machine.succeeded(upgrade));
        List<JsonNode> events = eventsOf(machine, correlationId, 2);
        assertThat(events).allSatisfy(e -> assertThat(e.at("/operationName/value").asText())
                .isEqualTo("Microsoft.HybridCompute/machines/upgradeExtensions/action"));
        await().atMost(PATIENCE).until(() -> "Succeeded".equals(given().get(Arm.relative(accepted.header("Azure-AsyncOperation")))
                .path("status")));
        assertThat(machine.getExtension("logs").jsonPath().getString("properties.typeHandlerVersion")).isEqualTo("1.1");
    }

    /** Installs {@code extension} and plays a successful agent. */
    static void installed(FakeMachine machine, String extension, String version) {
        Response accepted = machine.putExtension(extension, Bodies.extension(version));
        machine.send(machine.succeeded(machine.awaitOperation(Arm.operationIdOf(accepted)).operation()));
        await().atMost(PATIENCE).until(() -> "Succeeded".equals(machine.getExtension(extension).path("properties.provisioningState")));
    }

    /** The activity events of one correlation id, once there are {@code expected} of them. */
    static List<JsonNode> eventsOf(FakeMachine machine, String correlationId, int expected) {
        await().atMost(PATIENCE).until(() -> activity(machine, correlationId).size() >= expected);
        return activity(machine, correlationId);
    }

    private static List<JsonNode> activity(FakeMachine machine, String correlationId) {
        String body = given().queryParam("api-version", Arm.ACTIVITY_API_VERSION)
                .queryParam("$filter", "correlationId eq '" + correlationId + "'")
                .get(Arm.activityLogPath(machine.subscription)).then().statusCode(200).extract().asString();
        List<JsonNode> events = new ArrayList<>();
        Json.tree(body.getBytes(StandardCharsets.UTF_8)).get("value").forEach(events::add);
        return events;
    }

    /**
     * Three times as many PUTs at once as the connection pool has connections: each request's transaction must
     * do all its reads on its own connection. One that took a second connection from the pool inside its
     * transaction would leave every connection held by a transaction waiting for another, until the pool's
     * acquisition timeout failed them all.
     */
    @Test
    void manyMorePutsAtOnceThanPooledConnectionsAreAllAccepted() throws Exception {
        int pooled = ConfigProvider.getConfig().getValue("quarkus.datasource.reactive.max-size", Integer.class);
        int requests = 3 * pooled;
        List<FakeMachine> machines = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            machines.add(FakeMachine.registered());
        }
        ExecutorService clients = Executors.newFixedThreadPool(requests);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (FakeMachine machine : machines) {
                answers.add(clients.submit(() -> {
                    start.await();
                    return given().contentType(ContentType.JSON).body(Bodies.extension("1.0").toString())
                            .queryParam("api-version", Arm.API_VERSION).put(machine.extensionPath("logs")).statusCode();
                }));
            }
            start.countDown();
            for (Future<Integer> answer : answers) {
                assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo(202);
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
