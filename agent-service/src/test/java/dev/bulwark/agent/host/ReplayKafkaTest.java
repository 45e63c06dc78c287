package dev.bulwark.agent.host;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.extension.MachineState;
import dev.bulwark.agent.extension.StateStore;
import dev.bulwark.agent.testing.FleetHarness;
import dev.bulwark.agent.testing.RecordingHandler;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replayed, reordered and stale operations, on a real broker. Every operation here is genuine (signed by the
 * cloud the machines trust): a machine runs only those newer than the last it ran and issued within its
 * freshness window. A refused one is dead-lettered and answered with a signed Failed result, and no handler
 * runs; a redelivery of an operation the machine ran still gets its stored result. Machines replay-0001..
 */
class ReplayKafkaTest {
    private static final String PUBLISHER = "Contoso.Replay";

    private static FleetHarness fleet;
    private static RecordingHandler handler;

    @BeforeAll
    static void startFleet() throws IOException {
        fleet = FleetHarness.connect("replay", 4);
        handler = new RecordingHandler();
        fleet.start(settings -> settings.extensionHandler(handler));
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    @Test
    void anOperationCapturedAndReplayedAfterFortyNewerOnesIsRefusedAndNoHandlerRuns() throws IOException {
        String machine = "replay-0001";
        ExtensionOperation captured = operation(machine, OperationKind.INSTALL, "Captured");
        assertThat(fleet.awaitResult(send(captured)).status()).isEqualTo(ResultStatus.Succeeded);
        ExtensionOperation last = null;
        for (int i = 1; i <= 40; i++) {
            last = send(reconfigure(machine, "Captured", "setting-" + i));
        }
        assertThat(fleet.awaitResult(last).status()).isEqualTo(ResultStatus.Succeeded);
        // More newer operations than the machine remembers results of: only the sequence can tell it ran this.
        assertThat(state(machine).results()).hasSize(MachineState.RESULTS_KEPT).doesNotContainKey(captured.operationId());
        int handlersBefore = handler.invocations();

        send(captured);

        OperationResult refused = fleet.awaitResults(captured, 2).get(1);
        assertRefused(captured, refused, ErrorCode.OperationReplayed);
        assertThat(refused.message()).contains("sequence " + captured.sequence()).contains("not newer than " + last.sequence());
        assertThat(handler.invocations()).isEqualTo(handlersBefore);
        MachineState after = state(machine);
        assertThat(after.highestSequence()).isEqualTo(last.sequence());
        assertThat(after.installed("Captured").settingsSequence()).as("the 40 updates, not a reinstall").isEqualTo(40);
        assertThat(after.results()).doesNotContainKey(captured.operationId());
    }

    @Test
    void aRedeliveryGetsItsResultButAnotherOperationWithTheSameSequenceOrAnOlderOneIsRefused() throws IOException {
        String machine = "replay-0002";
        ExtensionOperation install = operation(machine, OperationKind.INSTALL, "Ordered");
        OperationResult ran = fleet.awaitResult(send(install));
        assertThat(ran.status()).isEqualTo(ResultStatus.Succeeded);

        send(install); // redelivered, as after a crash before the offset was committed
        ExtensionOperation sameSequence = fleet.cloud.copy(reconfigure(machine, "Ordered", "again"), install.sequence(),
                Instant.now());
        send(sameSequence);
        ExtensionOperation older = reconfigure(machine, "Ordered", "older");
        ExtensionOperation newer = reconfigure(machine, "Ordered", "newer");
        send(newer);
        send(older); // arrives after a newer one

        List<OperationResult> installResults = fleet.awaitResults(install, 2);
        assertThat(installResults.get(1)).as("the stored result, exactly").isEqualTo(installResults.get(0));
        assertThat(fleet.awaitResult(newer).status()).isEqualTo(ResultStatus.Succeeded);
        assertRefused(sameSequence, fleet.awaitResult(sameSequence), ErrorCode.OperationReplayed);
        assertRefused(older, fleet.awaitResult(older), ErrorCode.OperationReplayed);
        assertThat(fleet.deadLetters(install)).as("a redelivery is no replay").isEmpty();
        assertThat(handler.ran(install.operationId())).isTrue();
        assertThat(handler.ran(newer.operationId())).isTrue();
        assertThat(handler.ran(sameSequence.operationId())).isFalse();
        assertThat(handler.ran(older.operationId())).isFalse();
        assertThat(state(machine).installed("Ordered").settingsSequence()).as("only the newer update ran").isEqualTo(1);
        assertThat(state(machine).highestSequence()).isEqualTo(newer.sequence());
    }

    @Test
    void theHighestSequenceSurvivesARestartOfTheAgent() throws IOException {
        String machine = "replay-0003";
        ExtensionOperation install = operation(machine, OperationKind.INSTALL, "Durable");
        assertThat(fleet.awaitResult(send(install)).status()).isEqualTo(ResultStatus.Succeeded);
        ExtensionOperation update = reconfigure(machine, "Durable", "one");
        assertThat(fleet.awaitResult(send(update)).status()).isEqualTo(ResultStatus.Succeeded);

        fleet.stop();
        assertThat(state(machine).highestSequence()).as("on disk").isEqualTo(update.sequence());
        fleet.start(settings -> settings.extensionHandler(handler));
        ExtensionOperation replayed = fleet.cloud.copy(update, update.sequence(), Instant.now());
        ExtensionOperation older = fleet.cloud.copy(update, install.sequence(), Instant.now());
        ExtensionOperation next = reconfigure(machine, "Durable", "two");
        send(replayed);
        send(older);
        send(next);

        assertRefused(replayed, fleet.awaitResult(replayed), ErrorCode.OperationReplayed);
        assertRefused(older, fleet.awaitResult(older), ErrorCode.OperationReplayed);
        assertThat(fleet.awaitResult(next).status()).isEqualTo(ResultStatus.Succeeded);
        assertThat(handler.ran(replayed.operationId())).isFalse();
        assertThat(handler.ran(older.operationId())).isFalse();
    }

    @Test
    void anExpiredOperationAndOneFromTheFutureAreRefusedAndDoNotMoveTheSequence() throws IOException {
        String machine = "replay-0004";
        ExtensionOperation install = operation(machine, OperationKind.INSTALL, "Fresh");
        assertThat(fleet.awaitResult(send(install)).status()).isEqualTo(ResultStatus.Succeeded);
        String machineId = install.machineId();
        Instant now = Instant.now();
        ExtensionOperation expired = fleet.cloud.copy(reconfigure(machine, "Fresh", "stale"),
                fleet.cloud.nextSequence(machineId), now.minus(Duration.ofHours(25)));
        ExtensionOperation future = fleet.cloud.copy(reconfigure(machine, "Fresh", "future"),
                fleet.cloud.nextSequence(machineId), now.plus(Duration.ofMinutes(30)));
        ExtensionOperation lateButFresh = fleet.cloud.copy(reconfigure(machine, "Fresh", "late"),
                fleet.cloud.nextSequence(machineId), now.minus(Duration.ofHours(23)));
        send(expired);
        send(future);
        send(lateButFresh);

        assertRefused(expired, fleet.awaitResult(expired), ErrorCode.OperationExpired);
        assertRefused(future, fleet.awaitResult(future), ErrorCode.OperationNotYetValid);
        assertThat(fleet.awaitResult(lateButFresh).status()).isEqualTo(ResultStatus.Succeeded);
        assertThat(handler.ran(expired.operationId())).isFalse();
        assertThat(handler.ran(future.operationId())).isFalse();
        assertThat(state(machine).highestSequence()).isEqualTo(lateButFresh.sequence());
    }

    /** A signed Failed result with the refusal's code, a dead letter naming it, and nothing stored for the operation. */
    private static void assertRefused(ExtensionOperation operation, OperationResult result, ErrorCode code) throws IOException {
        assertThat(result.status()).isEqualTo(ResultStatus.Failed);
        assertThat(result.errorCode()).isEqualTo(code.name());
        assertThat(result.message()).contains(operation.operationId()).contains("was not run");
        assertThat(result.instanceView().status().code()).isEqualTo("ProvisioningState/failed/" + code.name());
        assertThat(result.configurationChangedAt()).as("no local rule decided it").isNull();
        await().atMost(Duration.ofSeconds(30)).until(() -> !fleet.deadLetters(operation).isEmpty());
        ConsumerRecord<byte[], byte[]> letter = fleet.deadLetters(operation).get(0);
        assertThat(header(letter, DeadLetter.REASON)).isEqualTo(DeadLetter.Reason.OperationRefused.name());
        assertThat(header(letter, DeadLetter.ERROR_CODE)).isEqualTo(code.name());
        assertThat(header(letter, DeadLetter.DETAIL)).isEqualTo(result.message());
        assertThat(state(machineName(operation)).results()).doesNotContainKey(operation.operationId());
    }

    private static ExtensionOperation operation(String machine, OperationKind kind, String type) {
        return fleet.cloud.operation(machine, kind, PUBLISHER, type, "1.0", null, null);
    }

    private static ExtensionOperation reconfigure(String machine, String type, String value) {
        ObjectNode settings = Json.MAPPER.createObjectNode().put("value", value);
        return fleet.cloud.operation(machine, OperationKind.UPDATE, PUBLISHER, type, "1.0", settings, null);
    }

    private static ExtensionOperation send(ExtensionOperation operation) {
        fleet.send(operation);
        return operation;
    }

    private static MachineState state(String machine) throws IOException {
        return new StateStore(fleet.machineHome(machine), false).read();
    }

    private static String machineName(ExtensionOperation operation) {
        return operation.machineId().substring(operation.machineId().lastIndexOf('/') + 1);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
