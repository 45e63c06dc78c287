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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

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

    /**
     * Sends every record; completes when all are acknowledged, fails with the first error, but only once
     * every record handed over is settled (acknowledged or failed). The relay rolls its rows back on failure
     * and another relay may send them at once: had this failed early, records of the failed attempt could
     * still be in flight and reach a partition after the retry's copies, out of the outbox's order.
     */
    public Uni<Void> sendAll(List<ProducerRecord<byte[], byte[]>> records) {
        return sendEach(records).map(errors -> {
            for (Throwable error : errors) {
                if (error != null) {
                    throw error instanceof RuntimeException runtime ? runtime : new IllegalStateException(error);
                }
            }
            return null;
        });
    }

    /**
     * Sends every record and completes once each is settled, with each record's error in order (null when the
     * broker acknowledged it), so a caller can tell a record that can never be sent from a broker that is away.
     */
    public Uni<List<Throwable>> sendEach(List<ProducerRecord<byte[], byte[]>> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.createFrom().<List<Throwable>>emitter(emitter -> {
                    AtomicReferenceArray<Throwable> errors = new AtomicReferenceArray<>(records.size());
                    AtomicInteger unsettled = new AtomicInteger(records.size());
                    Runnable whenSettled = () -> {
                        List<Throwable> settled = new ArrayList<>(records.size());
                        for (int i = 0; i < records.size(); i++) {
                            settled.add(errors.get(i));
                        }
                        emitter.complete(settled);
                    };
                    for (int i = 0; i < records.size(); i++) {
                        int index = i;
                        try {
                            producer.send(records.get(i), (metadata, error) -> {
                                errors.set(index, error);
                                if (unsettled.decrementAndGet() == 0) {
                                    whenSettled.run();
                                }
                            });
                        } catch (RuntimeException e) {
                            // This record and the rest are never sent: settled now, each with the error.
                            for (int j = i; j < records.size(); j++) {
                                errors.set(j, e);
                            }
                            if (unsettled.addAndGet(-(records.size() - i)) == 0) {
                                whenSettled.run();
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
        producer.close(Duration.ofSeconds(3)); // with the relay's 5 s, a stop stays within 10 s
    }
}
