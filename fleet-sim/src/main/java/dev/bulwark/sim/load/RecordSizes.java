package dev.bulwark.sim.load;

import dev.bulwark.model.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The average size of the operations and results a run actually put on Kafka, sampled from the topics, so the
 * baseline pushes records of the same sizes.
 */
public record RecordSizes(int operationBytes, int resultBytes) {
    private static final int SAMPLE = 2_000;

    /** @param kafkaClient the client settings of a user that may read both topics (the observer's) */
    public static RecordSizes sample(String bootstrapServers, Map<String, String> kafkaClient) {
        return new RecordSizes(averageSize(bootstrapServers, kafkaClient, Topics.EXTENSION_OPERATIONS),
                averageSize(bootstrapServers, kafkaClient, Topics.EXTENSION_RESULTS));
    }

    private static int averageSize(String bootstrapServers, Map<String, String> kafkaClient, String topic) {
        Map<String, Object> config = new HashMap<>(kafkaClient);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long bytes = 0;
            int records = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records < SAMPLE && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    bytes += record.serializedValueSize() + record.serializedKeySize();
                    records++;
                }
            }
            if (records == 0) {
                throw new IllegalStateException("no records on " + topic + " to measure");
            }
            return (int) (bytes / records);
        }
    }
}
