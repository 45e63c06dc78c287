package dev.bulwark.agent.host;

import dev.bulwark.agent.testing.FleetHarness;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One machine whose own files fail (its state.json cannot be read or written) must not hold up the others
 * its process hosts: its operation fails there alone, with a named code, after a few attempts.
 */
class LocalFailureKafkaTest {
    private static FleetHarness fleet;
    private static AgentHost host;

    @BeforeAll
    static void startFleet() throws IOException {
        fleet = FleetHarness.connect("local", 2);
        host = fleet.start(settings -> { });
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    @Test
    void aMachineWhoseFilesFailFailsItsOwnOperationAndTheOtherMachinesGoOn() throws IOException {
        Path state = fleet.machineHome("local-0001").resolve("state.json");
        Files.deleteIfExists(state);
        Files.createDirectories(state.resolve("not-a-file")); // unreadable and unwritable as a file, even for root

        ExtensionOperation broken = fleet.cloud.operation("local-0001", OperationKind.INSTALL, "Contoso.Monitoring/Broken");
        ExtensionOperation healthy = fleet.cloud.operation("local-0002", OperationKind.INSTALL, "Contoso.Monitoring/Healthy");
        fleet.send(broken);
        fleet.send(healthy);

        assertThat(fleet.awaitResult(healthy).status()).isEqualTo(ResultStatus.Succeeded);
        OperationResult failed = fleet.awaitResult(broken);
        assertThat(failed.status()).isEqualTo(ResultStatus.Failed);
        assertThat(failed.errorCode()).isEqualTo("MachineStorageFailed");
        assertThat(failed.message()).contains("could not read or write its own files");
        assertThat(host.stats().localFailures.sum()).isEqualTo(1);

        // Once the files are fixed, the machine works again.
        Files.delete(state.resolve("not-a-file"));
        Files.delete(state);
        ExtensionOperation again = fleet.cloud.operation("local-0001", OperationKind.INSTALL, "Contoso.Monitoring/Again");
        fleet.send(again);
        assertThat(fleet.awaitResult(again).status()).isEqualTo(ResultStatus.Succeeded);
    }
}
