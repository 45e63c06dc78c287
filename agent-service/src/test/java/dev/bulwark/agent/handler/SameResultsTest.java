package dev.bulwark.agent.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.extension.SimulatedExtensionHandler;
import dev.bulwark.agent.host.AgentHostSettings;
import dev.bulwark.agent.testing.FleetHarness;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Simulated fleets stand in for real machines in load tests, so the same scenario must end the same way on
 * both: the same statuses and error codes, operation by operation, on the real handler (processes) and on
 * the simulated one.
 */
class SameResultsTest {
    private static final String PUBLISHER = "Bulwark.Tests";

    @Test
    void theSameScenarioGivesTheSameResultCodesOnTheRealAndTheSimulatedHandler() throws IOException {
        List<String> real = scenario("same-real", AgentHostSettings.HandlerKind.PROCESS);
        List<String> simulated = scenario("same-sim", AgentHostSettings.HandlerKind.SIMULATED);

        assertThat(real).isEqualTo(simulated).containsExactly(
                "INSTALL Succeeded null", "UPDATE Succeeded null", "INSTALL Failed ExtensionHandlerFailed",
                "INSTALL Failed ExtensionBlockedByBlocklist", "UPDATE Failed ExtensionNotInstalled",
                "UPGRADE Succeeded null", "DELETE Succeeded null", "DELETE Succeeded null");
    }

    /** One machine, one scenario; each result as "KIND status errorCode". */
    private static List<String> scenario(String machine, AgentHostSettings.HandlerKind handler) throws IOException {
        try (FleetHarness fleet = FleetHarness.connect(machine, 1)) {
            String name = machine + "-0001";
            ProcessHandlerKafkaTest.letHandlersThrough(fleet);
            fleet.cli(name, "config", "set", "extensions.blocklist", PUBLISHER + "/Blocked");
            for (String type : List.of("Steady", "Broken", "Blocked")) {
                for (String version : List.of("1.0", "2.0")) {
                    fleet.cloud.storage().publishTestHandler(PUBLISHER, type, version, false);
                }
            }
            fleet.start(settings -> settings.handler(handler));
            ObjectNode none = Json.MAPPER.createObjectNode();
            ObjectNode failing = Json.MAPPER.createObjectNode().put(SimulatedExtensionHandler.FAILURE_SETTING, "it broke");
            List<String> results = new ArrayList<>();
            results.add(run(fleet, name, OperationKind.INSTALL, "Steady", "1.0", none));
            results.add(run(fleet, name, OperationKind.UPDATE, "Steady", "1.0", none.deepCopy().put("level", 2)));
            results.add(run(fleet, name, OperationKind.INSTALL, "Broken", "1.0", failing));
            results.add(run(fleet, name, OperationKind.INSTALL, "Blocked", "1.0", none));
            results.add(run(fleet, name, OperationKind.UPDATE, "Missing", "1.0", none));
            results.add(run(fleet, name, OperationKind.UPGRADE, "Steady", "2.0", none));
            results.add(run(fleet, name, OperationKind.DELETE, "Steady", "2.0", none));
            results.add(run(fleet, name, OperationKind.DELETE, "Steady", "2.0", none));
            ProcessHandlerKafkaTest.removeCgroups(fleet);
            return results;
        }
    }

    private static String run(FleetHarness fleet, String machine, OperationKind kind, String type, String version,
                              ObjectNode settings) {
        ExtensionOperation operation = fleet.cloud.operation(machine, kind, PUBLISHER, type, version, settings, null);
        fleet.send(operation);
        OperationResult result = fleet.awaitResult(operation);
        return kind + " " + result.status() + " " + result.errorCode();
    }
}
