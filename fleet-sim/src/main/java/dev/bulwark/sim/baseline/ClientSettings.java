package dev.bulwark.sim.baseline;

import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka client settings copied from Bulwark, so the floor pays for the same durability and batching:
 * the cloud's relay ({@code CloudKafkaProducer}) and the agent host ({@code AgentHost}). If those
 * change, change these.
 */
final class ClientSettings {

    /** The agent host reads operations in big polls: one poll serves thousands of simulated machines. */
    static final int AGENT_MAX_POLL_RECORDS = 2000;
    /** The cloud's results consumer ({@code mp.messaging.incoming.extension-results.max.poll.records}). */
    static final int PROJECTION_MAX_POLL_RECORDS = 500;

    private ClientSettings() {
    }

    /** As the cloud's outbox relay sends operations. */
    static Properties relayProducer(Baseline.Settings settings) {
        return producer(settings, 256 * 1024);
    }

    /** As an agent host sends results. */
    static Properties agentProducer(Baseline.Settings settings) {
        return producer(settings, 128 * 1024);
    }

    static Properties consumer(Baseline.Settings settings, String group, int maxPollRecords) {
        Properties properties = admin(settings);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return properties;
    }

    /** Where and as whom, nothing else: the base of every client here, and the Admin client's whole configuration. */
    static Properties admin(Baseline.Settings settings) {
        Properties properties = new Properties();
        properties.putAll(settings.kafkaClient());
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        return properties;
    }

    private static Properties producer(Baseline.Settings settings, int batchBytes) {
        Properties properties = admin(settings);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(batchBytes));
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return properties;
    }
}
