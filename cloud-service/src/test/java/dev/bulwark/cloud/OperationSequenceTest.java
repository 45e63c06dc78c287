package dev.bulwark.cloud;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.FakeFleet;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.ResultStatus;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every operation the cloud sends a machine carries the next number of that machine's counter, whichever
 * request issued it (PUT, PATCH, upgradeExtensions, DELETE, a rollout chunk), and reaches Kafka in number
 * order, also when requests for one machine run at the same time: agents refuse an operation that is not
 * newer than the last they ran. And the Failed answer an agent sends for a replayed copy of an operation
 * that is final already changes nothing. Machines played by {@link FakeFleet} and {@link FakeMachine}, on
 * the real PostgreSQL and Kafka.
 */
@QuarkusTest
class OperationSequenceTest {

    @BeforeEach
    void publish() {
        Packages.ensurePublished("1.0", "1.1");
    }

    @Test
    void eachMachineGetsTheNextSequenceFromSingleRequestsAndRolloutsInOrder() throws Exception {
        try (FakeFleet fleet = FakeFleet.of(3).register()) {
            String logs = extensionPath(fleet, "machine-1", "logs");
            write(fleet, "machine-1", "logs", given().contentType(ContentType.JSON).body(Bodies.extension("1.0").toString())
                    .queryParam("api-version", Arm.API_VERSION).put(logs));
            write(fleet, "machine-1", "logs", given().contentType(ContentType.JSON)
                    .body("{\"properties\":{\"settings\":{\"endpoint\":\"https://other.example.test\"}}}")
                    .queryParam("api-version", Arm.API_VERSION).patch(logs));
            write(fleet, "machine-1", "logs", given().contentType(ContentType.JSON).queryParam("api-version", Arm.API_VERSION)
                    .body("{\"extensionTargets\":{\"" + Bodies.PUBLISHER + "." + Bodies.TYPE + "\":{\"targetVersion\":\"1.1\"}}}")
                    .post(Arm.machinePath(fleet.subscription, fleet.resourceGroup, "machine-1") + "/upgradeExtensions"));
            installEverywhere(fleet, "fleet-logs");
            Response deleted = given().queryParam("api-version", Arm.API_VERSION).delete(logs);
            assertThat(deleted.statusCode()).as(deleted.asString()).isEqualTo(202);
            await().atMost(PATIENCE).until(() -> fleet.receivedBy("machine-1").size() == 5);

            assertThat(fleet.receivedBy("machine-1")).extracting(ExtensionOperation::kind).containsExactly(
                    OperationKind.INSTALL, OperationKind.UPDATE, OperationKind.UPGRADE, OperationKind.INSTALL, OperationKind.DELETE);
            assertThat(sequences(fleet, "machine-1")).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(sequences(fleet, "machine-2")).containsExactly(1L);
            assertThat(sequences(fleet, "machine-3")).containsExactly(1L);
        }
    }

    @Test
    void requestsForOneMachineAtTheSameTimeGetDistinctSequencesThatReachKafkaInOrder() throws Exception {
        int requests = 8;
        try (FakeFleet fleet = FakeFleet.of(2).register()) {
            installEverywhere(fleet, "first");
            ExecutorService clients = Executors.newFixedThreadPool(requests);
            try {
                List<Future<Response>> answers = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    String path = extensionPath(fleet, "machine-2", "concurrent-" + i);
                    answers.add(clients.submit(() -> given().contentType(ContentType.JSON)
                            .body(Bodies.extension("1.0").toString()).queryParam("api-version", Arm.API_VERSION).put(path)));
                }
                for (Future<Response> answer : answers) {
                    assertThat(answer.get().statusCode()).as(answer.get().asString()).isEqualTo(202);
                }
            } finally {
                clients.shutdown();
            }
            installEverywhere(fleet, "last");
            await().atMost(PATIENCE).until(() -> fleet.receivedBy("machine-2").size() == requests + 2);

            // Arrival order is number order, with no number twice and none left out.
            assertThat(sequences(fleet, "machine-2")).containsExactlyElementsOf(
                    LongStream.rangeClosed(1, requests + 2).boxed().toList());
            assertThat(sequences(fleet, "machine-1")).containsExactly(1L, 2L);
        }
    }

    @Test
    void theRefusalOfAReplayedOperationThatIsAlreadyFinalChangesNothing() {
        FakeMachine machine = FakeMachine.registered();
        Response accepted = machine.putExtension("logs", Bodies.extension("1.0"));
        String correlationId = accepted.header("x-ms-correlation-request-id");
        ExtensionOperation operation = machine.awaitOperation(Arm.operationIdOf(accepted)).operation();
        machine.send(machine.succeeded(operation));
        await().atMost(PATIENCE).until(() -> "Succeeded".equals(machine.getExtension("logs").path("properties.provisioningState")));

        // What an agent answers when a copy of this operation is sent to it again after newer ones ran.
        machine.send(machine.result(operation, ResultStatus.Failed, ErrorCode.OperationReplayed.name(),
                "The install of extension logs (operation " + operation.operationId() + ") was not run: ..."));
        // Results of one machine share a partition: once a later result is applied, the refusal was handled too.
        ExtensionLifecycleTest.installed(machine, "later", "1.0");

        assertThat(machine.getExtension("logs").jsonPath().getString("properties.provisioningState")).isEqualTo("Succeeded");
        assertThat(ExtensionLifecycleTest.eventsOf(machine, correlationId, 2)).extracting(e -> e.at("/status/value").asText())
                .containsExactlyInAnyOrder("Started", "Succeeded");
        assertThat(given().get(Arm.relative(accepted.header("Azure-AsyncOperation"))).jsonPath().getString("status"))
                .isEqualTo("Succeeded");
    }

    /** A single request that issues one operation to {@code machine}, answered by the fake agent. */
    private static void write(FakeFleet fleet, String machine, String extension, Response accepted) {
        assertThat(accepted.statusCode()).as(accepted.asString()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> "Succeeded".equals(given().queryParam("api-version", Arm.API_VERSION)
                .get(extensionPath(fleet, machine, extension)).path("properties.provisioningState")));
    }

    /** A rollout installing {@code extension} on every machine of the fleet, in chunks (max-in-flight is small in tests). */
    private static void installEverywhere(FakeFleet fleet, String extension) {
        ObjectNode rollout = (ObjectNode) Json.tree(("{\"location\":\"westeurope\",\"properties\":{\"operation\":\"Install\","
                + "\"extension\":{\"name\":\"" + extension + "\",\"properties\":{\"publisher\":\"" + Bodies.PUBLISHER
                + "\",\"type\":\"" + Bodies.TYPE + "\",\"typeHandlerVersion\":\"1.0\"}}}}").getBytes());
        given().contentType(ContentType.JSON).body(rollout.toString()).queryParam("api-version", FakeFleet.FLEET_API_VERSION)
                .put(fleet.rolloutPath(extension)).then().statusCode(202);
        await().atMost(PATIENCE).until(() -> !Set.of("Running", "Canceling").contains(given()
                .queryParam("api-version", FakeFleet.FLEET_API_VERSION).get(fleet.rolloutPath(extension))
                .path("properties.provisioningState")));
    }

    private static String extensionPath(FakeFleet fleet, String machine, String extension) {
        return Arm.machinePath(fleet.subscription, fleet.resourceGroup, machine) + "/extensions/" + extension;
    }

    /** The sequences of the operations {@code machine} received, in the order they arrived. */
    private static List<Long> sequences(FakeFleet fleet, String machine) {
        return fleet.receivedBy(machine).stream().map(ExtensionOperation::sequence).toList();
    }
}
