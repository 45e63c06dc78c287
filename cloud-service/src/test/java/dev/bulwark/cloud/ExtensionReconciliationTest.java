package dev.bulwark.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.cloud.support.TestKafka;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.InstalledExtension;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.Topics;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An extension removed locally while the cloud still expects it is reinstalled when the agent reports.
 * Reports of one machine share a partition and a report shows on the machine only after its batch's
 * reinstalls committed, so "the report's configMode is visible" proves the report was fully handled.
 */
@QuarkusTest
class ExtensionReconciliationTest {
    private static final String NAME = "logs";

    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0");
    }

    @Test
    void anExtensionRemovedLocallyIsReinstalledOnlyByALaterReportThatOmitsIt() {
        FakeMachine machine = FakeMachine.registered();
        ExtensionOperation install = machine.awaitOperation(Arm.operationIdOf(machine.putExtension(NAME,
                Bodies.extensionWithSecret("1.0", "s3cret")))).operation();
        Instant beforeResult = Instant.now();
        machine.send(machine.succeeded(install));
        awaitState(machine, "Succeeded");

        machine.report("stale", beforeResult);
        awaitReportShown(machine, "stale");
        machine.report("listed", Instant.now(), List.of(installed("LOGS")));
        awaitReportShown(machine, "listed");
        assertThat(state(machine)).isEqualTo("Succeeded");
        assertThat(startedEvents(machine)).hasSize(1);

        machine.report("removed", Instant.now());

        ExtensionOperation reinstall = awaitReinstall(machine, install.operationId());
        assertThat(reinstall.kind()).isEqualTo(OperationKind.INSTALL);
        assertThat(reinstall.extension().publisher()).isEqualTo(Bodies.PUBLISHER);
        assertThat(reinstall.extension().type()).isEqualTo(Bodies.TYPE);
        assertThat(reinstall.extension().version()).isEqualTo("1.0");
        assertThat(reinstall.extension().settings().get("endpoint").asText()).isEqualTo("https://logs.example.test");
        assertThat(reinstall.extension().protectedSettings()).isNull();
        assertThat(reinstall.packageRef()).isNotNull();
        assertThat(reinstall.catalog()).isNotNull();
        assertThat(state(machine)).isEqualTo("Creating");
        List<JsonNode> started = startedEvents(machine);
        assertThat(started).hasSize(2);
        JsonNode event = started.stream().filter(e -> e.get("operationId").asText().equals(reinstall.operationId()))
                .findFirst().orElseThrow();
        assertThat(event.get("caller").asText()).isEqualTo("Bulwark reconciliation");
        assertThat(event.at("/properties/message").asText()).contains("re-apply them with a PUT");

        machine.send(machine.succeeded(reinstall));
        awaitState(machine, "Succeeded");
    }

    @Test
    void aFailedReinstallIsNotRetriedByLaterReports() {
        FakeMachine machine = FakeMachine.registered();
        ExtensionOperation install = machine.awaitOperation(Arm.operationIdOf(machine.putExtension(NAME,
                Bodies.extension("1.0")))).operation();
        machine.send(machine.succeeded(install));
        awaitState(machine, "Succeeded");

        machine.report("removed", Instant.now());
        ExtensionOperation reinstall = awaitReinstall(machine, install.operationId());
        machine.send(machine.result(reinstall, ResultStatus.Failed, ErrorCode.ExtensionBlockedByBlocklist.name(),
                "blocked by the local blocklist"));
        awaitState(machine, "Failed");

        machine.report("still-removed", Instant.now());
        awaitReportShown(machine, "still-removed");
        assertThat(state(machine)).isEqualTo("Failed");
        assertThat(startedEvents(machine)).hasSize(2);
    }

    private static InstalledExtension installed(String name) {
        return new InstalledExtension(name, Bodies.PUBLISHER, Bodies.TYPE, "1.0", "Enabled");
    }

    private static ExtensionOperation awaitReinstall(FakeMachine machine, String previousOperationId) {
        var record = TestKafka.awaitRecord(Topics.EXTENSION_OPERATIONS, r -> machine.machineId().equals(TestKafka.text(r.key()))
                && !TestKafka.text(r.value()).contains(previousOperationId));
        return Json.decode(record.value(), ExtensionOperation.class, ExtensionOperation.SCHEMA_VERSION);
    }

    private static String state(FakeMachine machine) {
        return machine.getExtension(NAME).jsonPath().getString("properties.provisioningState");
    }

    private static void awaitState(FakeMachine machine, String state) {
        await().atMost(PATIENCE).until(() -> state.equals(state(machine)));
    }

    private static void awaitReportShown(FakeMachine machine, String configMode) {
        await().atMost(PATIENCE).until(() -> configMode.equals(given().queryParam("api-version", Arm.API_VERSION)
                .get(machine.path()).then().statusCode(200).extract().path("properties.agentConfiguration.configMode")));
    }

    private static List<JsonNode> startedEvents(FakeMachine machine) {
        String body = given().queryParam("api-version", Arm.ACTIVITY_API_VERSION)
                .queryParam("$filter", "resourceUri eq '" + machine.machineId() + "/extensions/" + NAME + "' and status eq 'Started'")
                .get(Arm.activityLogPath(machine.subscription)).then().statusCode(200).extract().asString();
        List<JsonNode> events = new ArrayList<>();
        Json.tree(body.getBytes(StandardCharsets.UTF_8)).get("value").forEach(events::add);
        return events;
    }
}
