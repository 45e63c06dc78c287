package dev.bulwark.agent.host;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.extension.InstalledRecord;
import dev.bulwark.agent.extension.StateStore;
import dev.bulwark.agent.testing.FleetHarness;
import dev.bulwark.agent.testing.RecordingHandler;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An update, upgrade or delete is decided by the local rules on the extension it names, but would act on
 * the extension installed under that name: both must be the same publisher and type, else nothing runs and
 * nothing installed changes ({@code ExtensionIdentityMismatch}). Machines ident-0001.., on a real broker.
 */
class ExtensionIdentityKafkaTest {
    private static final String CUSTOM_SCRIPT = "Microsoft.Azure.Extensions/CustomScript";

    private static FleetHarness fleet;
    private static RecordingHandler handler;

    @BeforeAll
    static void startFleet() throws IOException {
        fleet = FleetHarness.connect("ident", 3);
        handler = new RecordingHandler();
        fleet.start(settings -> settings.extensionHandler(handler));
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    @Test
    void anUpdateClaimingAnAllowedExtensionCannotReconfigureABlockedOneInstalledUnderItsName() throws IOException {
        String machine = "ident-0001";
        ExtensionOperation install = operation(machine, OperationKind.INSTALL, "script", "Microsoft.Azure.Extensions",
                "CustomScript", "1.0");
        assertThat(fleet.awaitResult(send(install)).status()).isEqualTo(ResultStatus.Succeeded);
        // Installed before the local administrator blocked it, and in monitor mode, which allows Azure Monitor only.
        fleet.cli(machine, "config", "set", "extensions.blocklist", CUSTOM_SCRIPT);
        fleet.cli(machine, "config", "set", "config.mode", "monitor");
        InstalledRecord before = installed(machine, "script");

        ExtensionOperation disguised = operation(machine, OperationKind.UPDATE, "script", "Microsoft.Azure.Monitor",
                "AzureMonitorLinuxAgent", "1.0");
        OperationResult result = fleet.awaitResult(send(disguised));

        assertMismatch(disguised, result, "Microsoft.Azure.Extensions/CustomScript");
        assertThat(installed(machine, "script")).isEqualTo(before);
    }

    @Test
    void anUpgradeOrDeleteNamingAnotherPublisherOrTypeIsRefusedAndTheSameOneInAnyCaseRuns() throws IOException {
        String machine = "ident-0002";
        ExtensionOperation install = operation(machine, OperationKind.INSTALL, "agent", "Contoso.Genuine", "Agent", "1.0");
        assertThat(fleet.awaitResult(send(install)).status()).isEqualTo(ResultStatus.Succeeded);
        InstalledRecord before = installed(machine, "agent");

        ExtensionOperation upgrade = operation(machine, OperationKind.UPGRADE, "agent", "Contoso.Impostor", "Agent", "2.0");
        ExtensionOperation delete = operation(machine, OperationKind.DELETE, "agent", "Contoso.Genuine", "OtherType", "1.0");
        ExtensionOperation update = operation(machine, OperationKind.UPDATE, "agent", "Contoso.Impostor", "Agent", "1.0");
        assertMismatch(upgrade, fleet.awaitResult(send(upgrade)), "Contoso.Genuine/Agent");
        assertMismatch(delete, fleet.awaitResult(send(delete)), "Contoso.Genuine/Agent");
        assertMismatch(update, fleet.awaitResult(send(update)), "Contoso.Genuine/Agent");
        assertThat(installed(machine, "agent")).isEqualTo(before);

        ExtensionOperation sameInOtherCase = operation(machine, OperationKind.DELETE, "agent", "contoso.GENUINE", "agent", "1.0");
        assertThat(fleet.awaitResult(send(sameInOtherCase)).status()).isEqualTo(ResultStatus.Succeeded);
        assertThat(handler.ran(sameInOtherCase.operationId())).isTrue();
        assertThat(installed(machine, "agent")).isNull();
    }

    private static void assertMismatch(ExtensionOperation operation, OperationResult result, String installed) {
        assertThat(result.status()).isEqualTo(ResultStatus.Failed);
        assertThat(result.errorCode()).isEqualTo(ErrorCode.ExtensionIdentityMismatch.name());
        assertThat(result.message()).contains(installed).contains(operation.extension().id().toString())
                .contains("bulwark-agent extension remove --name " + operation.extension().name());
        assertThat(handler.ran(operation.operationId())).as("no handler ran").isFalse();
    }

    private static ExtensionOperation operation(String machine, OperationKind kind, String name, String publisher,
                                                String type, String version) {
        ObjectNode settings = Json.MAPPER.createObjectNode().put("from", kind.cliName());
        return fleet.cloud.operation(machine, kind, name, publisher, type, version, settings, null);
    }

    private static ExtensionOperation send(ExtensionOperation operation) {
        fleet.send(operation);
        return operation;
    }

    private static InstalledRecord installed(String machine, String name) throws IOException {
        return new StateStore(fleet.machineHome(machine), false).read().installed(name);
    }
}
