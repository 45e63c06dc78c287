package dev.bulwark.cloud;

import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.Database;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.cloud.support.TestKafka;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** A machine's PATCH (its tags) and DELETE (deregistration: what happens to its extensions and to late results). */
@QuarkusTest
class MachineWriteTest {
    @Inject
    Pool pool;

    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0");
    }

    @Test
    void aPatchReplacesTheTagsAndRefusesWhatBulwarkDoesNotKeep() {
        FakeMachine machine = FakeMachine.registered();

        Response patched = patch(machine, "{\"tags\":{\"env\":\"prod\",\"team\":\"ops\"}}");
        String correlationId = java.util.UUID.randomUUID().toString();
        Response retagged = given().contentType(ContentType.JSON).body("{\"tags\":{\"env\":\"test\"}}")
                .header("x-ms-correlation-request-id", correlationId).queryParam("api-version", Arm.API_VERSION).patch(machine.path());
        Response refused = patch(machine, "{\"properties\":{\"locationData\":{\"name\":\"Redmond\"}}}");
        Response unknown = patch(FakeMachine.unregistered(), "{\"tags\":{}}");

        assertThat(patched.statusCode()).as(patched.asString()).isEqualTo(200);
        assertThat(patched.jsonPath().getString("tags.team")).isEqualTo("ops");
        assertThat(retagged.jsonPath().getMap("tags")).containsExactlyEntriesOf(java.util.Map.of("env", "test"));
        assertThat(get(machine).jsonPath().getMap("tags")).containsExactlyEntriesOf(java.util.Map.of("env", "test"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("InvalidParameter");
        assertThat(refused.jsonPath().getString("error.target")).isEqualTo("properties.locationData");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(ExtensionLifecycleTest.eventsOf(machine, correlationId, 2)).allSatisfy(e ->
                assertThat(e.at("/operationName/value").asText()).isEqualTo("Microsoft.HybridCompute/machines/write"));
    }

    @Test
    void aDeleteRemovesTheMachineAndItsExtensionsFailsWhatIsInFlightAndLateResultsAreDeadLettered() {
        FakeMachine machine = FakeMachine.registered();
        ExtensionLifecycleTest.installed(machine, "logs", "1.0");
        Response inFlight = machine.putExtension("other", Bodies.extension("1.0"));
        ExtensionOperation pending = machine.awaitOperation(Arm.operationIdOf(inFlight)).operation();

        String deleteCorrelation = java.util.UUID.randomUUID().toString();
        Response deleted = given().header("x-ms-correlation-request-id", deleteCorrelation).queryParam("api-version", Arm.API_VERSION)
                .delete(machine.path());

        assertThat(deleted.statusCode()).as(deleted.asString()).isEqualTo(200);
        assertThat(get(machine).statusCode()).isEqualTo(404);
        assertThat(machine.getExtension("logs").statusCode()).isEqualTo(404);
        assertThat(Database.count(pool, "SELECT count(*) FROM extension WHERE machine_id = $1", machine.machineId())).isZero();
        JsonPath status = given().get(Arm.relative(inFlight.header("Azure-AsyncOperation"))).then().statusCode(200).extract().jsonPath();
        assertThat(status.getString("status")).isEqualTo("Failed");
        assertThat(status.getString("error.code")).isEqualTo("MachineDeleted");
        assertThat(ExtensionLifecycleTest.eventsOf(machine, inFlight.header("x-ms-correlation-request-id"), 2).toString())
                .contains("MachineDeleted");
        assertThat(ExtensionLifecycleTest.eventsOf(machine, deleteCorrelation, 2)).allSatisfy(e ->
                assertThat(e.at("/operationName/value").asText()).isEqualTo("Microsoft.HybridCompute/machines/delete"));

        var result = machine.succeeded(pending);
        byte[] late = Json.encode(result);
        machine.send(result);
        var deadLetter = TestKafka.awaitRecord(Topics.deadLetter(Topics.EXTENSION_RESULTS), r -> Arrays.equals(r.value(), late));
        assertThat(TestKafka.header(deadLetter, DeadLetter.REASON)).isEqualTo("UnknownMachine");

        assertThat(given().queryParam("api-version", Arm.API_VERSION).delete(machine.path()).statusCode()).isEqualTo(204);
        // The name registers again, with new keys, as a new machine without extensions.
        FakeMachine again = FakeMachine.in(machine.subscription, machine.resourceGroup, machine.name);
        again.register();
        assertThat(given().queryParam("api-version", Arm.API_VERSION).get(again.path() + "/extensions").jsonPath()
                .getList("value")).isEmpty();
    }

    private static Response patch(FakeMachine machine, String body) {
        return given().contentType(ContentType.JSON).body(body).queryParam("api-version", Arm.API_VERSION).patch(machine.path());
    }

    private static Response get(FakeMachine machine) {
        return given().queryParam("api-version", Arm.API_VERSION).get(machine.path());
    }
}
