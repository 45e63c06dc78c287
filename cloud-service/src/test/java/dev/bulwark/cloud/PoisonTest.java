package dev.bulwark.cloud;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.cloud.support.TestKafka;
import dev.bulwark.infra.BulwarkInfraResource;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Inputs that could stall the pipeline: each gets a clear refusal or its own failure, and what follows goes on. */
@QuarkusTest
class PoisonTest {

    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0");
    }

    @Test
    void theApiRefusesSettingsThatWouldMakeTheOperationLargerThanTheBrokerAccepts() {
        FakeMachine machine = FakeMachine.registered();

        Response refused = machine.putExtension("huge", padded(210 * 1024));

        assertThat(refused.statusCode()).as(refused.jsonPath().getString("error.message")).isEqualTo(400);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("InvalidParameter");
        assertThat(refused.jsonPath().getString("error.target")).isEqualTo("properties.settings");
        assertThat(refused.jsonPath().getString("error.message")).contains("bulwark.cloud.outbox.max-message-size");
        assertThat(machine.getExtension("huge").statusCode()).as("nothing was written").isEqualTo(404);
    }

    @Test
    void anOperationTheBrokerRefusesFailsAloneAndTheOperationsBehindItAreDelivered() throws Exception {
        FakeMachine big = FakeMachine.registered();
        FakeMachine small = FakeMachine.registered();
        try (Admin admin = Admin.create(BulwarkInfraResource.infra().kafkaClientConfig(KafkaUser.ADMIN))) {
            // The broker now refuses what the API accepted (as after lowering a topic's limit in production).
            maxMessageBytes(admin, "65536");
            try {
                String tooLarge = Arm.operationIdOf(big.putExtension("huge", padded(100 * 1024)));
                String fine = Arm.operationIdOf(small.putExtension("logs", Bodies.extension("1.0")));

                assertThat(small.awaitOperation(fine).operation().operationId()).isEqualTo(fine);
                await().atMost(PATIENCE).until(() -> "Failed".equals(big.getExtension("huge").jsonPath()
                        .getString("properties.provisioningState")));
                assertThat(big.getExtension("huge").jsonPath().getString("properties.instanceView.status.code"))
                        .isEqualTo("ProvisioningState/failed/OperationUndeliverable");
                var deadLetter = TestKafka.awaitRecord(Topics.deadLetter(Topics.EXTENSION_OPERATIONS),
                        r -> String.valueOf(TestKafka.header(r, DeadLetter.DETAIL)).contains(tooLarge));
                assertThat(TestKafka.header(deadLetter, DeadLetter.REASON)).isEqualTo("Undeliverable");
                assertThat(TestKafka.text(deadLetter.key())).isEqualTo(big.machineId());
                assertThat(deadLetter.value()).as("the value did not fit the broker, so it is not there").isNull();
            } finally {
                maxMessageBytes(admin, null);
            }
        }
    }

    @Test
    void aSignedResultTheDatabaseCannotStoreIsDeadLetteredAndTheResultsAfterItAreApplied() {
        FakeMachine machine = FakeMachine.registered();
        var first = machine.awaitOperation(Arm.operationIdOf(machine.putExtension("first", Bodies.extension("1.0")))).operation();
        var third = machine.awaitOperation(Arm.operationIdOf(machine.putExtension("third", Bodies.extension("1.0")))).operation();
        OperationResult withNul = machine.result(first, ResultStatus.Failed, "ExtensionHandlerFailed", "stderr: \u0000 binary");

        machine.send(withNul);
        machine.send(machine.succeeded(third));

        await().atMost(PATIENCE).until(() -> "Succeeded".equals(machine.getExtension("third").jsonPath()
                .getString("properties.provisioningState")));
        var deadLetter = TestKafka.awaitRecord(Topics.deadLetter(Topics.EXTENSION_RESULTS),
                r -> String.valueOf(TestKafka.text(r.value())).contains(first.operationId()));
        assertThat(TestKafka.header(deadLetter, DeadLetter.REASON)).isEqualTo("Unprojectable");
        assertThat(TestKafka.header(deadLetter, DeadLetter.DETAIL)).startsWith("the database refused its content");
        assertThat(machine.getExtension("first").jsonPath().getString("properties.provisioningState")).isEqualTo("Creating");
    }

    private static ObjectNode padded(int bytes) {
        ObjectNode body = Bodies.extension("1.0");
        ((ObjectNode) body.get("properties").get("settings")).put("padding", "x".repeat(bytes));
        return body;
    }

    /** Sets (or with null, removes) the operations topic's own message size limit. */
    private static void maxMessageBytes(Admin admin, String value) throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.EXTENSION_OPERATIONS);
        ConfigEntry entry = new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, value == null ? "" : value);
        AlterConfigOp op = new AlterConfigOp(entry, value == null ? AlterConfigOp.OpType.DELETE : AlterConfigOp.OpType.SET);
        admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get();
    }
}
