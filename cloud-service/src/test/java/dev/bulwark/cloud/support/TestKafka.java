package dev.bulwark.cloud.support;

import dev.bulwark.infra.BulwarkInfraResource;
import dev.bulwark.infra.KafkaUser;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * Plain Kafka clients playing the agents' side: produce to a topic as the agents' Kafka user (so it may write
 * only what agents may), find a record on a topic as the observer (which reads every topic).
 */
public final class TestKafka {
    public static final Duration PATIENCE = Duration.ofSeconds(30);
    private static KafkaProducer<byte[], byte[]> producer;

    private TestKafka() {
    }

    public static synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = BulwarkInfraResource.infra().kafkaClientConfig(KafkaUser.AGENT);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producer = new KafkaProducer<>(config);
        }
        return producer;
    }

    /** Sends and waits for the broker's acknowledgement. */
    public static void send(String topic, String key, byte[] value) {
        try {
            producer().send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /**
     * The first record of {@code topic} (read from the beginning of every partition, no consumer group)
     * that matches, waiting for it to arrive.
     */
    public static ConsumerRecord<byte[], byte[]> awaitRecord(String topic, Predicate<ConsumerRecord<byte[], byte[]>> matches) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(readerConfig(KafkaUser.OBSERVER))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            AtomicReference<ConsumerRecord<byte[], byte[]>> found = new AtomicReference<>();
            await().atMost(PATIENCE).pollInterval(Duration.ZERO).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (found.get() == null && matches.test(record)) {
                        found.set(record);
                    }
                }
                return found.get() != null;
            });
            return found.get();
        }
    }

    public static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : text(header.value());
    }

    /** A consumer outside any group, as {@code user}. */
    public static Map<String, Object> readerConfig(KafkaUser user) {
        Map<String, Object> config = BulwarkInfraResource.infra().kafkaClientConfig(user);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }
}
