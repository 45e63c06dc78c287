package dev.bulwark.agent.host;

import dev.bulwark.agent.AgentPlugins;
import dev.bulwark.agent.extension.GateResult;
import dev.bulwark.agent.extension.PackageGate;
import dev.bulwark.agent.pkg.VerifyingPackageGate;
import dev.bulwark.agent.testing.FleetHarness;
import dev.bulwark.agent.testing.TestCloud;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One machine whose package download never ends must not hold the other machines of its host, not even those
 * whose records come after it on the same partition, in later polls; and the partition's offset must not be
 * committed past it, so a restarted host runs it.
 */
class SlowMachineKafkaTest {
    private static final String SLOW = "slow-0001";
    private static final String OTHER = "slow-0002";

    @Test
    void aDownloadThatHangsHoldsItsOwnMachineOnlyAndIsRunAgainAfterARestart() throws Exception {
        try (FleetHarness fleet = FleetHarness.connect("slow", 2)) {
            PackageGate real = AgentPlugins.packageGate(fleet.home, VerifyingPackageGate.Options.defaults().withDurable(false));
            CompletableFuture<Void> downloadEnds = new CompletableFuture<>(); // never, for the first host
            fleet.start(settings -> settings.packageGate(request ->
                    request.machineId().equals(TestCloud.machineId(SLOW))
                            ? downloadEnds.thenCompose(ignored -> real.verify(request)) : real.verify(request)));

            ExtensionOperation hanging = fleet.cloud.operation(SLOW, OperationKind.INSTALL, "Contoso.Monitoring/Hanging");
            fleet.send(hanging);
            // The other machine's operations go on the slow machine's partition, behind it, one poll after another.
            int partition = MachinePartitions.of(hanging.machineId(), fleet.partitionCount(Topics.EXTENSION_OPERATIONS));
            for (String type : new String[]{"First", "Second"}) {
                ExtensionOperation behind = fleet.cloud.operation(OTHER, OperationKind.INSTALL, "Contoso.Monitoring/" + type);
                fleet.sendTo(Topics.EXTENSION_OPERATIONS, partition, behind.machineId(), Json.encode(behind));
                assertThat(fleet.awaitResult(behind).status()).isEqualTo(ResultStatus.Succeeded);
            }
            assertThat(fleet.records(Topics.EXTENSION_RESULTS, hanging.machineId())).as("the hanging machine's results").isEmpty();
            fleet.stop();

            // Its offset was committed up to the hanging record, not past it: the next host reads it and the two
            // after it again (answered from their stored results), and this time the download ends.
            AgentHost second = fleet.start(settings -> settings.packageGate(real));
            assertThat(fleet.awaitResult(hanging).status()).isEqualTo(ResultStatus.Succeeded);
            assertThat(fleet.awaitResults(hanging, 1)).hasSize(1);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(second.stats().duplicates.sum()).as("records answered again").isEqualTo(2));
        }
    }
}
