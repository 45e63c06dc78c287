package dev.bulwark.agent.host;

import dev.bulwark.agent.extension.HandlerOutcome;
import dev.bulwark.agent.testing.FleetHarness;
import dev.bulwark.agent.testing.SharedKafka;
import dev.bulwark.agent.testing.TestCloud;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent host reads only the partitions its machines' keys map to, on the real broker (every topic has
 * {@value #PARTITIONS} partitions there): the mapping agrees with a real producer's, records on other
 * partitions are never read, and with no group membership a restarted host resumes at once.
 */
class PartitionAffinityKafkaTest {
    private static final int PARTITIONS = 3;

    @Test
    void machinePartitionsAgreesWithTheDefaultPartitionerOfARealProducer() throws Exception {
        String topic = "bulwark.test.partitioning";
        int[] counts = {3, 7, 16};
        for (int count : counts) {
            SharedKafka.broker().createTopics(count, topic + "-" + count);
        }
        // The admin: these test topics are in no ACL (the partitioner is the point here, not who may write).
        Map<String, Object> config = SharedKafka.broker().clientConfig(KafkaUser.ADMIN);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            Set<Integer> seen = new java.util.HashSet<>();
            for (int count : counts) {
                for (int i = 0; i < 300; i++) {
                    String machineId = TestCloud.machineId("sim-" + String.format("%06d", i));
                    int partition = producer.send(new ProducerRecord<>(topic + "-" + count,
                            machineId.getBytes(StandardCharsets.UTF_8), new byte[]{1})).get().partition();
                    assertThat(MachinePartitions.of(machineId, count)).as("%s of %d partitions", machineId, count)
                            .isEqualTo(partition);
                    seen.add(partition);
                }
            }
            assertThat(seen).as("the machines spread over every partition").hasSize(16);
        }
    }

    @Test
    void aHostNeverReadsPartitionsOfMachinesItDoesNotHostAndStillServesItsOwn() throws Exception {
        List<String> names = namesOnPartition(0, 3, "affinity");
        try (FleetHarness fleet = FleetHarness.connect(names)) {
            AgentHost host = fleet.start(settings -> {
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> host.partitions().equals(Set.of(
                    new TopicPartition(Topics.EXTENSION_OPERATIONS, 0), new TopicPartition(Topics.GUEST_ASSIGNMENTS, 0))));
            String own = names.get(0);
            // Caught up on both topics (partition 0 also holds other test classes' records): nothing old is left to read.
            assertThat(fleet.awaitResult(sent(fleet, fleet.cloud.operation(own, OperationKind.INSTALL, "Contoso.Affinity/First")))
                    .status()).isEqualTo(ResultStatus.Succeeded);
            GuestAssignment assignment = fleet.cloud.sign(new GuestAssignment(GuestAssignment.SCHEMA_VERSION,
                    UUID.randomUUID().toString(), TestCloud.machineId(own), "catch-up", List.of(), false, Instant.now(), null));
            fleet.send(Topics.GUEST_ASSIGNMENTS, assignment.machineId(), Json.encode(assignment));
            await().atMost(Duration.ofSeconds(30)).until(() -> !fleet.records(Topics.GUEST_COMPLIANCE, assignment.machineId()).isEmpty());
            long consumedBefore = host.stats().consumed.sum();
            long ignoredBefore = host.stats().ignored.sum();

            ExtensionOperation misplaced = fleet.cloud.operation(own, OperationKind.INSTALL, "Contoso.Affinity/Misplaced");
            for (int partition = 1; partition < PARTITIONS; partition++) {
                // The host's own machine, on a partition its key does not map to: read only by a host reading everything.
                fleet.sendTo(Topics.EXTENSION_OPERATIONS, partition, misplaced.machineId(), Json.encode(misplaced));
                fleet.sendTo(Topics.GUEST_ASSIGNMENTS, partition, assignment.machineId(), Json.encode(assignment));
                for (String other : namesOnPartition(partition, 5, "elsewhere")) {
                    fleet.send(fleet.cloud.operation(other, OperationKind.DELETE, "Contoso.Affinity/Other"));
                }
            }
            ExtensionOperation last = fleet.cloud.operation(own, OperationKind.INSTALL, "Contoso.Affinity/Last");
            assertThat(fleet.awaitResult(sent(fleet, last)).status()).isEqualTo(ResultStatus.Succeeded);

            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> host.stats().consumed.sum() - consumedBefore == 1);
            assertThat(host.stats().ignored.sum()).isEqualTo(ignoredBefore);
            assertThat(fleet.records(Topics.EXTENSION_RESULTS, misplaced.machineId()))
                    .noneMatch(r -> Json.tree(r.value()).path("operationId").asText().equals(misplaced.operationId()));
        }
    }

    @Test
    void aHostClosedWithItsBatchUncommittedResumesAtOnceWhenStartedAgain() throws Exception {
        try (FleetHarness fleet = FleetHarness.connect(List.of("resume-1"))) {
            AtomicInteger started = new AtomicInteger();
            CompletableFuture<HandlerOutcome> never = new CompletableFuture<>();
            fleet.start(settings -> settings.extensionHandler(invocation -> {
                started.incrementAndGet();
                return never;
            }));
            ExtensionOperation interrupted = sent(fleet, fleet.cloud.operation("resume-1", OperationKind.INSTALL, "Contoso.Resume/Interrupted"));
            await().atMost(Duration.ofSeconds(30)).until(() -> started.get() == 1);
            fleet.stop();

            long restart = System.nanoTime();
            fleet.start(settings -> {
            });
            ExtensionOperation next = sent(fleet, fleet.cloud.operation("resume-1", OperationKind.INSTALL, "Contoso.Resume/Next"));
            await().atMost(Duration.ofSeconds(10)).until(() -> hasResult(fleet, next));
            Duration resumedIn = Duration.ofNanos(System.nanoTime() - restart);

            assertThat(resumedIn).isLessThan(Duration.ofSeconds(10));
            OperationResult redelivered = fleet.awaitResult(interrupted);
            assertThat(redelivered.status()).as("the uncommitted operation is read again and runs").isEqualTo(ResultStatus.Succeeded);
            assertThat(fleet.awaitResult(next).status()).isEqualTo(ResultStatus.Succeeded);
        }
    }

    // --- helpers

    private static ExtensionOperation sent(FleetHarness fleet, ExtensionOperation operation) {
        fleet.send(operation);
        return operation;
    }

    private static boolean hasResult(FleetHarness fleet, ExtensionOperation operation) {
        return fleet.records(Topics.EXTENSION_RESULTS, operation.machineId()).stream()
                .anyMatch(r -> Json.tree(r.value()).path("operationId").asText().equals(operation.operationId()));
    }

    /** {@code count} machine names whose records land on {@code partition}. */
    private static List<String> namesOnPartition(int partition, int count, String prefix) {
        List<String> names = new ArrayList<>();
        for (int i = 1; names.size() < count; i++) {
            String name = prefix + "-" + i;
            if (MachinePartitions.of(TestCloud.machineId(name), PARTITIONS) == partition) {
                names.add(name);
            }
        }
        return names;
    }
}
