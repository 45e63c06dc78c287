package dev.bulwark.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    private static final String TOPIC = "test.greetings";

    @Test
    void carriesAKeyedRecordAndLeavesNoProcessBehind() throws Exception {
        ProcessHandle child;
        try (KafkaBroker broker = KafkaBroker.start(Path.of("target", "kafka-broker-test"))) {
            child = broker.process();
            assertThat(child.isAlive()).isTrue();
            broker.createTopics(2, TOPIC);
            broker.createTopics(2, TOPIC); // already there: no error

            try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(TOPIC, "machine-1", "hello")).get();
            }

            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "test-group",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new StringDeserializer())) {
                assertThat(consumer.partitionsFor(TOPIC)).hasSize(2);
                consumer.subscribe(List.of(TOPIC));
                List<ConsumerRecord<String, String>> received = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                    return !received.isEmpty();
                });
                assertThat(received).singleElement().satisfies(r -> {
                    assertThat(r.key()).isEqualTo("machine-1");
                    assertThat(r.value()).isEqualTo("hello");
                });
            }
        }
        assertThat(child.isAlive()).as("broker child process after close()").isFalse();
    }
}
