package dev.bulwark.cloud.messaging;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cloud's one Kafka producer, for outbox operations and dead letters.
 *
 * <p>A plain {@link KafkaProducer} rather than a SmallRye {@code Emitter}: the outbox relay must know
 * that <em>every</em> record of a batch was acknowledged before it deletes the rows, and must not lose
 * that knowledge in an emitter's buffer or overflow strategy. Here a batch is handed over at once
 * (linger lets the client pack it into few requests) and the returned Uni completes only when the
 * broker acknowledged all of it. acks=all with idempotence: no record is lost once acknowledged, and a
 * retried send is not written twice.
 */
@ApplicationScoped
public class CloudKafkaProducer {
    private final KafkaProducer<byte[], byte[]> producer;

    @Inject
    public CloudKafkaProducer(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        Map<String, Object> config = new HashMap<>();
        // Only producer settings (bootstrap servers, security...) from the shared kafka.* configuration.
        kafkaConfig.forEach((key, value) -> {
            if (ProducerConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "bulwark-cloud");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 40_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(config);
    }

    /** Sends every record; completes when all are acknowledged, fails with the first error. */
    public Uni<Void> sendAll(List<ProducerRecord<byte[], byte[]>> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().<Void>emitter(emitter -> {
                    AtomicInteger pending = new AtomicInteger(records.size());
                    AtomicBoolean failed = new AtomicBoolean();
                    for (ProducerRecord<byte[], byte[]> record : records) {
                        try {
                            producer.send(record, (metadata, error) -> {
                                if (error != null) {
                                    if (failed.compareAndSet(false, true)) {
                                        emitter.fail(error);
                                    }
                                } else if (pending.decrementAndGet() == 0 && !failed.get()) {
                                    emitter.complete(null);
                                }
                            });
                        } catch (RuntimeException e) {
                            if (failed.compareAndSet(false, true)) {
                                emitter.fail(e);
                            }
                            return;
                        }
                    }
                })
                // send() may block while it fetches metadata: never on an event loop. Acks arrive on the
                // producer's I/O thread: move on before anyone does work there.
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .emitOn(Infrastructure.getDefaultWorkerPool());
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
