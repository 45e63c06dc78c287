package dev.bulwark.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.bulwark.model.Topics;

/** A broker killed with SIGKILL and started again on its data directory goes on where it was. */
class KafkaRestartTest {

    private static final Path DATA = Path.of("target", "kafka-restart-test");
    private static final TopicPartition OPERATIONS = new TopicPartition(Topics.EXTENSION_OPERATIONS, 0);

    @Test
    void aBrokerKilledAndStartedAgainOnItsDataKeepsItsRecordsClusterPortUsersAndAcls() throws Exception {
        Map<String, Object> cloud;
        Map<String, Object> observer;
        Map<String, Object> agent;
        String clusterId;
        String bootstrap;
        KafkaBroker first = KafkaBroker.startFresh(DATA);
        try {
            assertThat(first.reusedData()).isFalse();
            first.createTopics(1, Topics.EXTENSION_OPERATIONS);
            cloud = first.clientConfig(KafkaUser.CLOUD);
            observer = first.clientConfig(KafkaUser.OBSERVER);
            agent = first.clientConfig(KafkaUser.AGENT);
            clusterId = first.clusterId();
            bootstrap = first.bootstrapServers();
            send(cloud, "before the kill");
            // As if KafkaUser had gained a user since the storage was formatted: the next start creates it.
            try (Admin admin = Admin.create(first.clientConfig(KafkaUser.ADMIN))) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion(KafkaUser.AGENT.userName(),
                        ScramMechanism.SCRAM_SHA_512))).all().get(30, TimeUnit.SECONDS);
            }

            ProcessHandle child = first.process();
            assertThat(child.destroyForcibly()).as("kill -9 of the broker").isTrue();
            child.onExit().get(30, TimeUnit.SECONDS);
        } finally {
            first.close();
        }

        try (KafkaBroker again = KafkaBroker.start(DATA)) {
            assertThat(again.reusedData()).isTrue();
            assertThat(again.clusterId()).isEqualTo(clusterId);
            assertThat(again.bootstrapServers()).as("the port of the first start, free again").isEqualTo(bootstrap);
            again.createTopics(1, Topics.EXTENSION_OPERATIONS); // already there: nothing happens

            // The clients' settings of before the kill (same files, same passwords) still log in.
            assertThat(valuesIn(observer, OPERATIONS)).containsExactly("before the kill");
            send(cloud, "after the restart");
            assertThat(valuesIn(agent, OPERATIONS)).as("the user missing from the storage was created again")
                    .containsExactly("before the kill", "after the restart");
            assertThatThrownBy(() -> send(agent, "from an agent"))
                    .as("the ACLs are kept: an agent may not write the operations topic")
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static void send(Map<String, Object> config, String value) throws Exception {
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(OPERATIONS.topic(), OPERATIONS.partition(), "machine-1", value))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Every value in {@code partition}, read from the beginning to its end without a consumer group. */
    static List<String> valuesIn(Map<String, Object> clientConfig, TopicPartition partition) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            return values;
        }
    }
}
