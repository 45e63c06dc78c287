package dev.bulwark.cloud;

import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.Database;
import dev.bulwark.cloud.support.FakeMachine;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Refused requests answer with ARM's error shape, name what is wrong, and change nothing. */
@QuarkusTest
class BadRequestTest {
    @Inject
    Pool pool;

    @Test
    void malformedJsonIsInvalidRequestContentAndStoresNothing() {
        FakeMachine machine = FakeMachine.registered();

        Response response = put(machine.extensionPath("logs"), Arm.API_VERSION, "{\"properties\": {\"publisher\": ");

        assertError(response, 400, "InvalidRequestContent");
        assertThat(Database.rowsOf(pool, machine.machineId())).isZero();
    }

    @Test
    void anUnknownOrMissingApiVersionIsRefused() {
        FakeMachine machine = FakeMachine.registered();
        String body = Bodies.extension("1.0").toString();

        assertError(put(machine.extensionPath("logs"), "2019-01-01", body), 400, "InvalidApiVersionParameter");
        assertError(put(machine.extensionPath("logs"), null, body), 400, "MissingApiVersionParameter");
        assertError(put(machine.extensionPath("logs"), "", body), 400, "MissingApiVersionParameter");
        assertError(given().queryParam("api-version", Arm.API_VERSION).get(Arm.activityLogPath("sub-test")),
                400, "InvalidApiVersionParameter");
        assertError(given().get(Arm.activityLogPath("sub-test")), 400, "MissingApiVersionParameter");
        assertThat(Database.rowsOf(pool, machine.machineId())).isZero();
    }

    @Test
    void aBadMachineOrExtensionNameIsRefused() {
        FakeMachine machine = FakeMachine.registered();
        String body = Bodies.extension("1.0").toString();
        String badMachinePath = Arm.machinePath("sub-test", machine.resourceGroup, "no*stars");
        String tooLongPath = Arm.machinePath("sub-test", machine.resourceGroup, "m".repeat(55));
        String badMachineId = badMachinePath.toLowerCase();
        String tooLongId = tooLongPath.toLowerCase();

        Response badMachine = put(badMachinePath + "/extensions/logs", Arm.API_VERSION, body);
        Response tooLong = put(tooLongPath, Arm.API_VERSION, machine.registrationBody());
        Response badExtension = put(machine.extensionPath("bad$name"), Arm.API_VERSION, body);

        assertError(badMachine, 400, "InvalidResourceName");
        assertThat(badMachine.jsonPath().getString("error.message")).contains("machineName");
        assertError(tooLong, 400, "InvalidResourceName");
        assertError(badExtension, 400, "InvalidResourceName");
        assertThat(badExtension.jsonPath().getString("error.message")).contains("extensionName");
        // Each request's own target is left as it was: no machine row for the two bad machine names, nothing of
        // theirs anywhere, and no extension, operation or event on the registered machine the third one aimed at.
        for (String refused : java.util.List.of(badMachineId, tooLongId)) {
            assertThat(Database.count(pool, "SELECT count(*) FROM machine WHERE resource_id = $1", refused)).as(refused).isZero();
            assertThat(Database.rowsOf(pool, refused)).as(refused).isZero();
        }
        assertThat(Database.count(pool, "SELECT count(*) FROM extension WHERE machine_id = $1 AND name_key = $2",
                machine.machineId(), "bad$name")).isZero();
        assertThat(Database.rowsOf(pool, machine.machineId())).isZero();
    }

    @Test
    void aMissingRequiredPropertyIsNamed() {
        FakeMachine machine = FakeMachine.registered();
        var body = Bodies.extension("1.0");
        body.with("properties").remove("typeHandlerVersion");

        Response response = put(machine.extensionPath("logs"), Arm.API_VERSION, body.toString());

        assertError(response, 400, "InvalidParameter");
        assertThat(response.jsonPath().getString("error.message")).contains("properties.typeHandlerVersion");
        assertThat(response.jsonPath().getString("error.target")).isEqualTo("properties.typeHandlerVersion");
        assertThat(Database.rowsOf(pool, machine.machineId())).isZero();
        assertThat(given().queryParam("api-version", Arm.API_VERSION).get(machine.path() + "/extensions")
                .jsonPath().getList("value")).isEmpty();
    }

    @Test
    void aRegistrationWithAnInvalidKeyIsRefusedAndNothingIsRegistered() {
        FakeMachine machine = FakeMachine.unregistered();
        String body = machine.registrationBody().replaceFirst("\"signing\":\"[^\"]+\"", "\"signing\":\"bm90IGEga2V5\"");

        Response response = put(machine.path(), Arm.API_VERSION, body);

        assertError(response, 400, "InvalidParameter");
        assertThat(response.jsonPath().getString("error.message")).contains("properties.agentPublicKeys.signing");
        assertError(given().queryParam("api-version", Arm.API_VERSION).get(machine.path()), 404, "ResourceNotFound");
    }

    @Test
    void anOperationOnAnUnknownMachineIsNotFound() {
        FakeMachine machine = FakeMachine.unregistered();

        assertError(put(machine.extensionPath("logs"), Arm.API_VERSION, Bodies.extension("1.0").toString()), 404,
                "ResourceNotFound");
        assertError(given().queryParam("api-version", Arm.API_VERSION).get(machine.path()), 404, "ResourceNotFound");
        assertError(given().queryParam("api-version", Arm.API_VERSION).get(machine.extensionPath("logs")), 404,
                "ResourceNotFound");
        assertThat(Database.rowsOf(pool, machine.machineId())).isZero();
    }

    @Test
    void aBodyOverTheRequestLimitIsRefusedBeforeItIsRead() {
        FakeMachine machine = FakeMachine.registered();
        var body = Bodies.extension("1.0");
        body.with("properties").with("settings").put("padding", "x".repeat(300 * 1024));

        assertError(put(machine.extensionPath("logs"), Arm.API_VERSION, body.toString()), 413, "RequestEntityTooLarge");
        assertThat(Database.rowsOf(pool, machine.machineId())).isZero();
    }

    @Test
    void anUnknownPathAnswersInTheArmErrorShape() {
        assertError(given().get("/subscriptions/sub-test/nothing-here"), 404, "NotFound");
    }

    private static Response put(String path, String apiVersion, String body) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (apiVersion != null) {
            request.queryParam("api-version", apiVersion);
        }
        return request.put(path);
    }

    private static void assertError(Response response, int status, String code) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.jsonPath().getString("error.code")).isEqualTo(code);
        assertThat(response.jsonPath().getString("error.message")).isNotBlank().doesNotContain("Exception")
                .doesNotContain("dev.bulwark");
    }
}
