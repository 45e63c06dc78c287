package dev.bulwark.cloud;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.Database;
import dev.bulwark.cloud.support.FakeFleet;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rollouts end to end through the cloud, with machines played by {@link FakeFleet} (each decides by its own
 * local rules with the agent's policy function): targets, stages, the failure threshold, cancel, what-if and
 * its verdicts, and the refusals that change nothing.
 */
@QuarkusTest
class RolloutTest {
    private static final String API = FakeFleet.FLEET_API_VERSION;
    private static final String EXTENSION = Bodies.PUBLISHER + "/" + Bodies.TYPE;

    @Inject
    Pool pool;

    @BeforeEach
    void publish() {
        Packages.ensurePublished("1.0");
    }

    @Test
    void anInstallReachesEveryMachineOfTheGroupEachWithItsOwnExtensionEventsAndSealedSettings() throws Exception {
        try (FakeFleet fleet = FakeFleet.of(6).register()) {
            fleet.rules("machine-5", List.of(), List.of(EXTENSION));
            fleet.rules("machine-6", List.of(), List.of(EXTENSION));
            awaitReported(fleet, 2);

            Response accepted = put(fleet, "logs", rollout(r -> ((ObjectNode) r.at("/properties/extension/properties"))
                    .putObject("protectedSettings").put("token", "s3cret")));

            assertThat(accepted.statusCode()).as(accepted.asString()).isEqualTo(202);
            assertThat(accepted.header("Azure-AsyncOperation")).contains("/providers/Bulwark.Fleet/locations/westeurope/operationStatuses/");
            JsonPath done = awaitEnded(fleet, "logs");
            assertThat(done.getString("properties.provisioningState")).isEqualTo("Succeeded");
            assertThat(done.getInt("properties.total.machines")).isEqualTo(6);
            assertThat(done.getInt("properties.total.succeeded")).isEqualTo(4);
            assertThat(done.getInt("properties.total.blocked.total")).isEqualTo(2);
            assertThat(done.getInt("properties.total.blocked.byErrorCode.ExtensionBlockedByBlocklist")).isEqualTo(2);
            assertThat(given().get(Arm.relative(accepted.header("Azure-AsyncOperation"))).jsonPath().getString("status"))
                    .isEqualTo("Succeeded");
            for (String name : fleet.names()) {
                List<ExtensionOperation> received = fleet.receivedBy(name);
                assertThat(received).as(name).hasSize(1);
                assertThat(fleet.opened.get(received.get(0).operationId())).isEqualTo("{\"token\":\"s3cret\"}");
                String state = given().queryParam("api-version", Arm.API_VERSION)
                        .get(Arm.machinePath(fleet.subscription, fleet.resourceGroup, name) + "/extensions/logs")
                        .jsonPath().getString("properties.provisioningState");
                assertThat(state).as(name).isEqualTo(name.endsWith("5") || name.endsWith("6") ? "Failed" : "Succeeded");
            }
            String correlation = accepted.header("x-ms-correlation-request-id");
            assertThat(eventsOf(fleet, correlation, "Microsoft.HybridCompute/machines/extensions/write")).hasSize(12);
            assertThat(eventsOf(fleet, correlation, "Bulwark.Fleet/extensionRollouts/write")).containsExactlyInAnyOrder(
                    "Started", "Succeeded");
            assertThat(Database.columnsContaining(pool, "s3cret")).isEmpty();
        }
    }

    @Test
    void stagesRunOneAfterAnotherWithThePauseBetween() throws Exception {
        try (FakeFleet fleet = FakeFleet.of(7).register()) {
            put(fleet, "staged", rollout(r -> strategy(r, "PT1S", 50, Map.of("count", 2), Map.of("percent", 40))))
                    .then().statusCode(202);

            JsonPath done = awaitEnded(fleet, "staged");

            assertThat(done.getString("properties.provisioningState")).isEqualTo("Succeeded");
            assertThat(done.getList("properties.stages.counts.machines", Integer.class)).containsExactly(2, 3, 2);
            List<String> starts = done.getList("properties.stages.startTime", String.class);
            List<String> ends = done.getList("properties.stages.endTime", String.class);
            for (int stage = 1; stage < 3; stage++) {
                assertThat(Instant.parse(starts.get(stage)))
                        .isAfterOrEqualTo(Instant.parse(ends.get(stage - 1)).plusSeconds(1));
            }
            assertThat(fleet.received).hasSize(7);
        }
    }

    @Test
    void noMoreMachinesThanMaxInFlightWaitForAnOutcomeAtOnce() throws Exception {
        try (FakeFleet fleet = FakeFleet.of(10).hold().register()) {
            put(fleet, "windowed", rollout(r -> { })).then().statusCode(202);

            await().atMost(PATIENCE).until(() -> fleet.received.size() >= 4);
            // For several driver steps, none may send more while the four have no outcome.
            await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> fleet.received.size() == 4);
            JsonPath waiting = get(fleet, "windowed");
            assertThat(fleet.received).hasSize(4);
            assertThat(waiting.getInt("properties.total.running")).isEqualTo(4);
            assertThat(waiting.getInt("properties.total.pending")).isEqualTo(6);

            fleet.answerHeld();
            JsonPath done = awaitEnded(fleet, "windowed");
            assertThat(done.getString("properties.provisioningState")).isEqualTo("Succeeded");
            assertThat(done.getInt("properties.total.succeeded")).isEqualTo(10);
            assertThat(names(fleet)).hasSize(10);
        }
    }

    @Test
    void aStagePastItsFailureThresholdHaltsTheRolloutAndNothingMoreIsSent() throws Exception {
        try (FakeFleet fleet = FakeFleet.of(8).register()) {
            fleet.failing.addAll(fleet.names());

            put(fleet, "halting", rollout(r -> strategy(r, "PT0S", 25, Map.of("count", 2), Map.of("count", 2))))
                    .then().statusCode(202);
            JsonPath done = awaitEnded(fleet, "halting");

            assertThat(done.getString("properties.provisioningState")).isEqualTo("Failed");
            assertThat(done.getString("properties.message")).contains("Halted after stage 1 of 3").contains("25%");
            assertThat(done.getInt("properties.total.failed.byErrorCode.ExtensionHandlerFailed")).isEqualTo(2);
            assertThat(done.getInt("properties.total.skipped.byErrorCode.Halted")).isEqualTo(6);
            assertThat(fleet.received).hasSize(2);
        }
    }

    @Test
    void blockedMachinesDoNotCountAsFailures() throws Exception {
        try (FakeFleet fleet = FakeFleet.of(4).register()) {
            fleet.names().forEach(name -> fleet.rules(name, List.of("Allow/None"), List.of()));
            awaitReported(fleet, 4);

            put(fleet, "allblocked", rollout(r -> strategy(r, "PT0S", 0, Map.of("count", 2)))).then().statusCode(202);

            JsonPath done = awaitEnded(fleet, "allblocked");
            assertThat(done.getString("properties.provisioningState")).isEqualTo("Succeeded");
            assertThat(done.getInt("properties.total.blocked.byErrorCode.ExtensionBlockedByAllowlist")).isEqualTo(4);
        }
    }

    @Test
    void cancelSkipsTheMachinesNotSentAndLetsThoseInFlightFinish() throws Exception {
        try (FakeFleet fleet = FakeFleet.of(6).register()) {
            Response accepted = put(fleet, "canceled", rollout(r -> strategy(r, "PT1H", 100, Map.of("count", 2))));
            accepted.then().statusCode(202);
            await().atMost(PATIENCE).until(() -> get(fleet, "canceled").getInt("properties.total.succeeded") == 2);

            Response canceled = given().queryParam("api-version", API).post(fleet.rolloutPath("canceled") + "/cancel");

            assertThat(canceled.statusCode()).isEqualTo(202);
            JsonPath done = awaitEnded(fleet, "canceled");
            assertThat(done.getString("properties.provisioningState")).isEqualTo("Canceled");
            assertThat(done.getInt("properties.total.skipped.byErrorCode.Canceled")).isEqualTo(4);
            assertThat(fleet.received).hasSize(2);
            assertThat(given().get(Arm.relative(accepted.header("Azure-AsyncOperation"))).jsonPath().getString("status"))
                    .isEqualTo("Canceled");
            assertThat(given().queryParam("api-version", API).post(fleet.rolloutPath("canceled") + "/cancel").statusCode())
                    .isEqualTo(409);
        }
    }

    @Test
    void aTagSelectorOrAListDecidesTheTarget() throws Exception {
        try (FakeFleet fleet = FakeFleet.of(5).tag("machine-1", Map.of("env", "prod")).tag("machine-2", Map.of("env", "prod", "tier", "web"))
                .tag("machine-3", Map.of("env", "test")).register()) {
            put(fleet, "prod", rollout(r -> ((ObjectNode) r.get("properties")).putObject("target").putObject("tags").put("env", "prod")))
                    .then().statusCode(202);
            assertThat(awaitEnded(fleet, "prod").getInt("properties.total.machines")).isEqualTo(2);
            assertThat(names(fleet)).containsExactlyInAnyOrder("machine-1", "machine-2");

            put(fleet, "listed", rollout(r -> {
                ((ObjectNode) r.at("/properties/extension")).put("name", "other");
                ((ObjectNode) r.get("properties")).putObject("target").putArray("machines").add("machine-4")
                        .add(fleet.machineId("machine-5"));
            })).then().statusCode(202);
            assertThat(awaitEnded(fleet, "listed").getInt("properties.total.machines")).isEqualTo(2);
            assertThat(fleet.receivedBy("machine-4")).extracting(o -> o.extension().name()).containsExactly("other");
            assertThat(fleet.receivedBy("machine-5")).extracting(o -> o.extension().name()).containsExactly("other");
        }
    }

    @Test
    void whatIfPredictsEveryRuleTypeSendsNothingAndTheRealRunSaysHowRightItWas() throws Exception {
        try (FakeFleet fleet = new FakeFleet("none", "allowed", "not-allowed", "blocked", "allow-none", "monitor", "disabled",
                "invalid", "silent").register()) {
            fleet.rules("none", List.of(), List.of());
            fleet.rules("allowed", List.of(EXTENSION), List.of());
            fleet.rules("not-allowed", List.of("Microsoft.Azure.Monitor/AzureMonitorLinuxAgent"), List.of());
            fleet.rules("blocked", List.of(), List.of(EXTENSION));
            fleet.rules("allow-none", List.of("Allow/None"), List.of());
            fleet.rules("monitor", List.of(), List.of(), true, "monitor", null, Instant.now());
            fleet.rules("disabled", List.of(), List.of(), false, "full", null, Instant.now());
            fleet.rules("invalid", List.of(), List.of(), true, "full", "localconfig.json is not valid JSON", Instant.now());
            awaitReported(fleet, 8);

            Response whatIf = put(fleet, "predicted", rollout(r -> ((ObjectNode) r.get("properties")).put("whatIf", true)));

            assertThat(whatIf.statusCode()).as(whatIf.asString()).isEqualTo(200);
            JsonPath predicted = whatIf.jsonPath();
            assertThat(predicted.getString("properties.provisioningState")).isEqualTo("WhatIf");
            assertThat(predicted.getInt("properties.prediction.predicted.succeeded")).isEqualTo(2);
            assertThat(predicted.getMap("properties.prediction.predicted.blocked.byErrorCode")).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "ExtensionBlockedByAllowlist", 2, "ExtensionBlockedByBlocklist", 1, "ExtensionBlockedByMonitorMode", 1,
                    "ExtensionManagerDisabled", 1));
            assertThat(predicted.getMap("properties.prediction.predicted.failed.byErrorCode"))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("LocalConfigurationInvalid", 1));
            assertThat(predicted.getInt("properties.prediction.predicted.unknown")).isEqualTo(1);
            JsonPath refusing = given().queryParam("api-version", API).queryParam("$filter", "predictedState eq 'Blocked'")
                    .get(fleet.rolloutPath("predicted") + "/machines").jsonPath();
            assertThat(refusing.getList("value.machineId", String.class)).containsExactlyInAnyOrder(fleet.machineId("not-allowed"),
                    fleet.machineId("blocked"), fleet.machineId("allow-none"), fleet.machineId("monitor"), fleet.machineId("disabled"));
            assertThat(refusing.getList("value.prediction.rule", String.class)).contains("blocklist", "not-in-allowlist",
                    "allow-none", "monitor-mode", "extension-manager-disabled");
            assertThat(Database.count(pool, "SELECT count(*) FROM operation WHERE machine_id LIKE $1",
                    "%/resourcegroups/" + fleet.resourceGroup + "/%")).isZero();

            // The real run, after one machine changed its rules since its report was predicted from.
            put(fleet, "predicted", rollout(r -> { })).then().statusCode(202);
            fleet.rules("none", List.of(), List.of(EXTENSION));
            JsonPath done = awaitEnded(fleet, "predicted");

            assertThat(done.getInt("properties.prediction.verdicts.right")).isEqualTo(7);
            assertThat(done.getInt("properties.prediction.verdicts.wrong")).isZero();
            assertThat(done.getInt("properties.prediction.verdicts.unknown")).isEqualTo(2);
            assertThat(done.getInt("properties.total.failed.byErrorCode.LocalConfigurationInvalid")).isEqualTo(1);
        }
    }

    @Test
    void badRequestsAreRefusedWithArmErrorsAndChangeNothing() throws Exception {
        try (FakeFleet fleet = FakeFleet.of(2).register()) {
            assertError(put(fleet, "x", rollout(r -> ((ObjectNode) r.at("/properties/extension/properties"))
                    .put("typeHandlerVersion", "9.9"))), 404, "ExtensionVersionNotFound", "properties.extension.properties.typeHandlerVersion");
            assertError(put(fleet, "x", rollout(r -> strategy(r, "PT0S", 10, Map.of("percent", 0)))), 400, "InvalidParameter",
                    "properties.strategy.stages[0].percent");
            assertError(put(fleet, "x", rollout(r -> strategy(r, "PT0S", 10, Map.of("percent", 101)))), 400, "InvalidParameter",
                    "properties.strategy.stages[0].percent");
            assertError(put(fleet, "x", rollout(r -> strategy(r, "PT0S", 101))), 400, "InvalidParameter",
                    "properties.strategy.maxFailurePercent");
            assertError(put(fleet, "x", rollout(r -> ((ObjectNode) r.get("properties")).putObject("target").putObject("tags")
                    .put("env", "nowhere"))), 400, "RolloutTargetEmpty", "properties.target");
            assertError(put(fleet, "x", rollout(r -> ((ObjectNode) r.get("properties")).putObject("target").putArray("machines")
                    .add("machine-1").add("ghost"))), 400, "InvalidParameter", "properties.target.machines");
            assertError(put(fleet, "x", rollout(r -> ((ObjectNode) r.get("properties")).put("operation", "Reboot"))), 400,
                    "InvalidParameter", "properties.operation");
            assertError(given().contentType(ContentType.JSON).body(rollout(r -> { }).toString()).queryParam("api-version", "2024-07-10")
                    .put(fleet.rolloutPath("x")), 400, "InvalidApiVersionParameter", "api-version");
            assertThat(Database.count(pool, "SELECT count(*) FROM rollout WHERE resource_group = $1", fleet.resourceGroup)).isZero();

            fleet.failing.add("never-used");
            put(fleet, "running", rollout(r -> strategy(r, "PT1H", 100, Map.of("count", 1)))).then().statusCode(202);
            assertError(put(fleet, "running", rollout(r -> { })), 409, "AnotherOperationInProgress", null);
            assertThat(Database.count(pool, "SELECT count(*) FROM rollout WHERE resource_group = $1", fleet.resourceGroup)).isOne();
        }
    }

    private static void assertError(Response response, int status, String code, String target) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.jsonPath().getString("error.code")).isEqualTo(code);
        if (target != null) {
            assertThat(response.jsonPath().getString("error.target")).isEqualTo(target);
        }
    }

    /** A rollout of LogShipper 1.0 to the fleet's resource group, changed by {@code edit}. */
    private static ObjectNode rollout(Consumer<ObjectNode> edit) {
        ObjectNode body = (ObjectNode) Json.tree(("{\"location\":\"westeurope\",\"properties\":{\"operation\":\"Install\","
                + "\"extension\":{\"name\":\"logs\",\"properties\":{\"publisher\":\"" + Bodies.PUBLISHER + "\",\"type\":\""
                + Bodies.TYPE + "\",\"typeHandlerVersion\":\"1.0\",\"settings\":{\"endpoint\":\"https://logs.example.test\"}}}}}")
                .getBytes());
        edit.accept(body);
        return body;
    }

    @SafeVarargs
    private static void strategy(ObjectNode rollout, String pause, int maxFailurePercent, Map<String, Integer>... stages) {
        ObjectNode strategy = ((ObjectNode) rollout.get("properties")).putObject("strategy");
        ArrayNode list = strategy.putArray("stages");
        for (Map<String, Integer> stage : stages) {
            stage.forEach((key, value) -> list.addObject().put(key, value));
        }
        strategy.put("maxFailurePercent", maxFailurePercent).put("pauseBetweenStages", pause);
    }

    private static Response put(FakeFleet fleet, String name, ObjectNode body) {
        return given().contentType(ContentType.JSON).body(body.toString()).queryParam("api-version", API)
                .put(fleet.rolloutPath(name));
    }

    private static JsonPath get(FakeFleet fleet, String name) {
        return given().queryParam("api-version", API).get(fleet.rolloutPath(name)).then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath awaitEnded(FakeFleet fleet, String name) {
        await().atMost(PATIENCE).until(() -> !Set.of("Running", "Canceling").contains(get(fleet, name)
                .getString("properties.provisioningState")));
        return get(fleet, name);
    }

    /** Waits until the cloud shows {@code count} machines' reported rules. */
    private void awaitReported(FakeFleet fleet, int count) {
        await().atMost(PATIENCE).until(() -> Database.count(pool, "SELECT count(*) FROM machine WHERE resource_group = $1"
                + " AND local_rules IS NOT NULL", fleet.resourceGroup) == count);
    }

    private static Set<String> names(FakeFleet fleet) {
        Set<String> names = new HashSet<>();
        fleet.received.forEach(operation -> names.add(operation.machineId().substring(operation.machineId().lastIndexOf('/') + 1)));
        return names;
    }

    /** The statuses of the activity events of one request for one operation name. */
    private static List<String> eventsOf(FakeFleet fleet, String correlationId, String operationName) {
        return given().queryParam("api-version", Arm.ACTIVITY_API_VERSION).queryParam("$top", 1000)
                .queryParam("$filter", "correlationId eq '" + correlationId + "'")
                .get(Arm.activityLogPath(fleet.subscription)).jsonPath()
                .getList("value.findAll { it.operationName.value == '" + operationName + "' }.status.value", String.class);
    }
}
