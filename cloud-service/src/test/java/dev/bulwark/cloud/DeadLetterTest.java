package dev.bulwark.cloud;

import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.cloud.support.TestKafka;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Records that cannot be parsed or verified go to the dead-letter topic; the consumer goes on. */
@QuarkusTest
class DeadLetterTest {

    /** Installs and upgrades need published packages. */
    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0");
    }

    @Test
    void garbageAndForgedResultsAreDeadLetteredAndAGoodResultAfterThemIsApplied() {
        FakeMachine machine = FakeMachine.registered();
        ExtensionOperation operation = machine.awaitOperation(Arm.operationIdOf(machine.putExtension("logs",
                Bodies.extension("1.0")))).operation();
        byte[] garbage = ("not json " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        byte[] forged = Json.encode(MessageSigner.sign(machine.succeeded(operation).withSignature(null),
                Ed25519.generate().getPrivate()));

        TestKafka.send(Topics.EXTENSION_RESULTS, machine.machineId(), garbage);
        TestKafka.send(Topics.EXTENSION_RESULTS, machine.machineId(), forged);
        machine.send(machine.succeeded(operation));

        ConsumerRecord<byte[], byte[]> malformed = deadLetter(garbage);
        assertThat(TestKafka.header(malformed, DeadLetter.REASON)).isEqualTo("MalformedMessage");
        assertThat(TestKafka.header(malformed, DeadLetter.SOURCE_TOPIC)).isEqualTo(Topics.EXTENSION_RESULTS);
        assertThat(TestKafka.header(malformed, DeadLetter.SOURCE_OFFSET)).matches("\\d+");
        assertThat(TestKafka.header(malformed, DeadLetter.SOURCE_PARTITION)).matches("\\d+");
        assertThat(TestKafka.header(malformed, DeadLetter.DETAIL)).isNotBlank();
        assertThat(TestKafka.text(malformed.key())).isEqualTo(machine.machineId());
        assertThat(TestKafka.header(deadLetter(forged), DeadLetter.REASON)).isEqualTo("SignatureInvalid");
        await().atMost(PATIENCE).until(() -> "Succeeded".equals(machine.getExtension("logs").path("properties.provisioningState")));
    }

    @Test
    void aResultKeyedByAnotherMachineIsDeadLettered() {
        FakeMachine machine = FakeMachine.registered();
        ExtensionOperation operation = machine.awaitOperation(Arm.operationIdOf(machine.putExtension("logs",
                Bodies.extension("1.0")))).operation();
        byte[] misaddressed = Json.encode(machine.succeeded(operation));

        TestKafka.send(Topics.EXTENSION_RESULTS, machine.machineId() + "-other", misaddressed);

        assertThat(TestKafka.header(deadLetter(misaddressed), DeadLetter.REASON)).isEqualTo("MachineIdMismatch");
        assertThat(machine.getExtension("logs").jsonPath().getString("properties.provisioningState")).isEqualTo("Creating");
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(byte[] value) {
        return TestKafka.awaitRecord(Topics.deadLetter(Topics.EXTENSION_RESULTS), r -> Arrays.equals(r.value(), value));
    }
}
