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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    private static final String TOPIC = "test.greetings";

    @Test
    void carriesAKeyedRecordAndLeavesNoProcessBehind() throws Exception {
        ProcessHandle child;
        try (KafkaBroker broker = KafkaBroker.startFresh(Path.of("target", "kafka-broker-test"))) {
            child = broker.process();
            assertThat(child.isAlive()).isTrue();
            broker.createTopics(2, TOPIC);
            broker.createTopics(2, TOPIC); // already there: no error

            // The admin: this test's topic is in no ACL (KafkaSecurityTest covers the other users).
            try (var producer = new KafkaProducer<>(broker.clientConfig(KafkaUser.ADMIN),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(TOPIC, "machine-1", "hello")).get();
            }

            Map<String, Object> consumerConfig = broker.clientConfig(KafkaUser.ADMIN);
            consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "test-group");
            consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (var consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
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
