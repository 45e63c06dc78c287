package dev.bulwark.cloud;

import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.FakeMachine;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Agent reports show on the machine resource: read-only local configuration and connection status. */
@QuarkusTest
class AgentReportTest {

    @Test
    void aMachineAwaitsConnectionUntilItReportsThenConnectedWithItsLatestConfiguration() {
        FakeMachine machine = FakeMachine.registered();
        JsonPath registered = machine(machine);
        assertThat(registered.getString("properties.status")).isEqualTo("AwaitingConnection");
        assertThat(registered.getString("properties.provisioningState")).isEqualTo("Succeeded");
        assertThat(registered.getString("type")).isEqualTo("Microsoft.HybridCompute/machines");
        assertThat(registered.getString("id")).isEqualTo(machine.machineId());

        Instant now = Instant.now();
        machine.report("monitor", now);
        machine.report("full", now.minusSeconds(60));

        await().atMost(PATIENCE).until(() -> "Connected".equals(machine(machine).getString("properties.status")));
        JsonPath connected = machine(machine);
        assertThat(connected.getString("properties.agentConfiguration.configMode")).isEqualTo("monitor");
        assertThat(connected.getString("properties.agentVersion")).isEqualTo("1.0.1");
        assertThat(connected.getString("properties.lastStatusChange")).isNotBlank();
    }

    @Test
    void reRegisteringAKnownMachineAnswers200AndKeepsItsIdentity() {
        FakeMachine machine = FakeMachine.registered();

        String key = given().contentType("application/json").body(machine.registrationBody())
                .queryParam("api-version", Arm.API_VERSION).put(machine.path())
                .then().statusCode(200).extract().path("properties.cloudSigningKey");

        assertThat(key).isEqualTo(machine.cloudSigningKey());
    }

    private static JsonPath machine(FakeMachine machine) {
        return given().queryParam("api-version", Arm.API_VERSION).get(machine.path()).then().statusCode(200).extract().jsonPath();
    }
}
