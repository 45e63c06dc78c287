package dev.bulwark.cloud;

import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The three Microsoft.HybridCompute api-versions, each answered in its own response shape (HybridComputeVersion),
 * and ARM's two api-version errors on every API.
 */
@QuarkusTest
class ApiVersionTest {
    static final String V2021 = "2021-05-20";
    static final String V2024 = "2024-07-10";
    static final String V2025 = "2025-06-01";

    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0");
    }

    @Test
    void eachVersionShowsAMachineInItsOwnShape() {
        FakeMachine machine = FakeMachine.registered();

        assertThat(machine(machine, V2021).getString("properties.status")).isEqualTo("Disconnected");
        assertThat(machine(machine, V2024).getString("properties.status")).isEqualTo("Disconnected");
        assertThat(machine(machine, V2025).getString("properties.status")).isEqualTo("AwaitingConnection");

        machine.report("monitor", Instant.now());
        await().atMost(PATIENCE).until(() -> "Connected".equals(machine(machine, V2025).getString("properties.status")));
        assertThat(machine(machine, V2021).getMap("properties")).doesNotContainKey("agentConfiguration")
                .containsEntry("status", "Connected");
        assertThat(machine(machine, V2024).getString("properties.agentConfiguration.configMode")).isEqualTo("monitor");
        assertThat(machine(machine, V2025).getString("properties.agentConfiguration.configMode")).isEqualTo("monitor");
    }

    @Test
    void eachVersionShowsAnExtensionInItsOwnShape() {
        FakeMachine machine = FakeMachine.registered();
        ExtensionLifecycleTest.installed(machine, "logs", "1.0");

        Map<String, Object> old = extension(machine, V2021).getMap("properties");
        assertThat(old).doesNotContainKey("enableAutomaticUpgrade").containsEntry("provisioningState", "Succeeded");
        assertThat(extension(machine, V2024).getMap("properties")).containsEntry("enableAutomaticUpgrade", false);
        assertThat(extension(machine, V2025).getMap("properties")).containsEntry("enableAutomaticUpgrade", false);
        JsonPath listed = given().queryParam("api-version", V2021).get(machine.path() + "/extensions").jsonPath();
        assertThat(listed.getMap("value[0].properties")).doesNotContainKey("enableAutomaticUpgrade");
    }

    @Test
    void anUnknownVersionIsInvalidAndAMissingOneIsMissingOnEveryApi() {
        FakeMachine machine = FakeMachine.registered();
        String rollouts = "/subscriptions/sub-test/resourceGroups/" + machine.resourceGroup + "/providers/Bulwark.Fleet/extensionRollouts/x";

        Response unknown = given().queryParam("api-version", "2022-03-10").get(machine.path());
        assertError(unknown, "InvalidApiVersionParameter");
        assertThat(unknown.jsonPath().getString("error.message")).contains(V2021).contains(V2024).contains(V2025);
        assertError(given().get(machine.path()), "MissingApiVersionParameter");
        assertError(given().get("/subscriptions/sub-test/providers/Microsoft.HybridCompute/machines"), "MissingApiVersionParameter");
        assertError(given().get(machine.guestAssignmentPath("g")), "MissingApiVersionParameter");
        assertError(given().queryParam("api-version", V2025).get(machine.guestAssignmentPath("g")), "InvalidApiVersionParameter");
        assertError(given().get(rollouts), "MissingApiVersionParameter");
        assertError(given().queryParam("api-version", V2025).get(rollouts), "InvalidApiVersionParameter");
        assertError(given().get("/subscriptions/sub-test/providers/Microsoft.Authorization/roleAssignments"),
                "MissingApiVersionParameter");
        assertError(given().contentType(ContentType.JSON).body("{}").put(machine.extensionPath("logs")), "MissingApiVersionParameter");
        for (String version : new String[]{V2021, V2024, V2025}) {
            assertThat(given().queryParam("api-version", version).get(machine.path()).statusCode()).as(version).isEqualTo(200);
        }
    }

    private static void assertError(Response response, String code) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error.code")).isEqualTo(code);
        assertThat(response.jsonPath().getString("error.target")).isEqualTo("api-version");
    }

    private static JsonPath machine(FakeMachine machine, String version) {
        return given().queryParam("api-version", version).get(machine.path()).then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath extension(FakeMachine machine, String version) {
        return given().queryParam("api-version", version).get(machine.extensionPath("logs")).then().statusCode(200).extract().jsonPath();
    }
}
