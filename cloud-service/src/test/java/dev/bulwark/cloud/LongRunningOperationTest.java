package dev.bulwark.cloud;

import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.model.ExtensionOperation;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every long-running operation ends where an Azure SDK poller (@azure/core-lro) looks: it polls
 * {@code Azure-AsyncOperation} until Succeeded or Failed, then for a PUT GETs the resource's own URL, for a PATCH
 * or POST the {@code Location} URL, and for a DELETE nothing. So {@code Location} ends a PUT or PATCH with the
 * extension (200) and a DELETE or upgradeExtensions with 204.
 */
@QuarkusTest
class LongRunningOperationTest {

    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0", "1.1");
    }

    @Test
    void aPatchEndsWithTheExtensionAtItsLocation() {
        FakeMachine machine = FakeMachine.registered();
        ExtensionLifecycleTest.installed(machine, "logs", "1.0");

        Response accepted = given().contentType(ContentType.JSON).queryParam("api-version", Arm.API_VERSION)
                .body("{\"properties\":{\"settings\":{\"level\":\"debug\"}}}").patch(machine.extensionPath("logs"));

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.header("Retry-After")).isNotBlank();
        String location = Arm.relative(accepted.header("Location"));
        assertThat(location).contains("/operationresults/").contains("api-version=" + Arm.API_VERSION);
        assertThat(given().get(location).statusCode()).isEqualTo(202);
        finish(machine, accepted);
        Response result = given().get(location);
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.jsonPath().getString("name")).isEqualTo("logs");
        assertThat(result.jsonPath().getString("properties.settings.level")).isEqualTo("debug");
        assertThat(result.jsonPath().getString("properties.provisioningState")).isEqualTo("Succeeded");
    }

    @Test
    void aDeleteAndAnUpgradeEndWithNoContentAtTheirLocation() {
        FakeMachine machine = FakeMachine.registered();
        ExtensionLifecycleTest.installed(machine, "logs", "1.0");

        Response upgrade = given().contentType(ContentType.JSON).queryParam("api-version", Arm.API_VERSION)
                .body("{\"extensionTargets\":{\"Contoso.Monitoring.LogShipper\":{\"targetVersion\":\"1.1\"}}}")
                .post(machine.path() + "/upgradeExtensions");
        assertThat(upgrade.statusCode()).isEqualTo(202);
        machine.send(machine.succeeded(machine.awaitOperation(upgrade.header("x-ms-correlation-request-id")).operation()));
        awaitSucceeded(upgrade);
        assertThat(given().get(Arm.relative(upgrade.header("Location"))).statusCode()).isEqualTo(204);

        Response delete = given().queryParam("api-version", Arm.API_VERSION).delete(machine.extensionPath("logs"));
        assertThat(delete.statusCode()).isEqualTo(202);
        finish(machine, delete);
        assertThat(given().get(Arm.relative(delete.header("Location"))).statusCode()).isEqualTo(204);
    }

    @Test
    void aFailedWriteEndsWithItsErrorNotTheExtension() {
        FakeMachine machine = FakeMachine.registered();
        Response accepted = machine.putExtension("logs", Bodies.extension("1.0"));
        ExtensionOperation install = machine.awaitOperation(Arm.operationIdOf(accepted)).operation();
        machine.send(machine.result(install, dev.bulwark.model.ResultStatus.Failed, "ExtensionBlockedByAllowlist", "blocked"));
        await().atMost(PATIENCE).until(() -> "Failed".equals(given().get(Arm.relative(accepted.header("Azure-AsyncOperation")))
                .path("status")));

        Response result = given().get(Arm.relative(accepted.header("Location")));
        assertThat(result.statusCode()).as("a client polling Location alone must see a failure").isEqualTo(409);
        assertThat(result.jsonPath().getString("error.code")).isEqualTo("ExtensionBlockedByAllowlist");
        assertThat(result.jsonPath().getString("error.message")).isEqualTo("blocked");
        assertThat(result.jsonPath().getString("properties")).isNull();
    }

    private static void finish(FakeMachine machine, Response accepted) {
        ExtensionOperation operation = machine.awaitOperation(Arm.operationIdOf(accepted)).operation();
        machine.send(machine.succeeded(operation));
        awaitSucceeded(accepted);
    }

    private static void awaitSucceeded(Response accepted) {
        String status = Arm.relative(accepted.header("Azure-AsyncOperation"));
        await().atMost(PATIENCE).until(() -> "Succeeded".equals(given().get(status).path("status")));
    }
}
