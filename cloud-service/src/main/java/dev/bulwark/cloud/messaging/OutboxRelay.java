package dev.bulwark.cloud.messaging;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.repository.OutboxRepository;
import dev.bulwark.cloud.repository.OutboxRepository.Batch;
import dev.bulwark.cloud.repository.OutboxRepository.Message;
import dev.bulwark.model.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes the outbox to the topic of each row ({@value Topics#EXTENSION_OPERATIONS},
 * {@value Topics#GUEST_ASSIGNMENTS}), every message keyed by its machine id, a few rows per transaction.
 *
 * <p>Why an outbox: the operation rows and the messages must both exist or neither. Writing the messages
 * in the request's transaction and publishing them afterwards gives that without distributed transactions;
 * the price is at-least-once delivery (a crash between the broker's ack and the DELETE publishes the rows
 * again), which agents absorb by ignoring an operationId they already handled.
 *
 * <p>Woken right after each commit (low latency) and every poll interval (rows left by a failure, a
 * restart or another replica); one drain at a time, so rows leave in order.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    @Inject
    OutboxRepository outbox;
    @Inject
    CloudKafkaProducer producer;
    @Inject
    CloudConfig config;
    @Inject
    MeterRegistry metrics;
    @Inject
    Vertx vertx;
    @Inject
    UndeliverableMessages undeliverables;

    private Wakeable loop;

    void start(@Observes StartupEvent started) {
        loop = new Wakeable("outbox relay", vertx, this::relayBatch, config.outbox().pollInterval(), LOG);
        loop.start();
    }

    /** Asks for a drain soon; cheap and safe to call from any thread, any number of times. */
    public void wake() {
        if (loop != null) {
            loop.wake();
        }
    }

    /** @return true when a full batch left (there may be more) */
    private Uni<Boolean> relayBatch() {
        int rows = config.outbox().batchSize();
        return outbox.relay(rows, this::publish).map(relayed -> relayed == rows);
    }

    /**
     * Sends every message of the rows; a message the broker refuses for good is set aside
     * ({@link UndeliverableMessages}) so the rows behind it flow; any other failure rolls the rows back.
     */
    private Uni<Void> publish(List<Batch> batches) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<UndeliverableMessages.Undeliverable> sources = new ArrayList<>();
        for (Batch batch : batches) {
            for (Message message : batch.messages()) {
                records.add(new ProducerRecord<>(batch.topic(), message.machineId().getBytes(StandardCharsets.UTF_8),
                        message.payload().getBytes(StandardCharsets.UTF_8)));
                sources.add(new UndeliverableMessages.Undeliverable(batch.topic(), message.machineId(), message.payload(), null));
            }
        }
        return producer.sendEach(records).chain(errors -> {
            List<UndeliverableMessages.Undeliverable> undeliverable = new ArrayList<>();
            for (int i = 0; i < errors.size(); i++) {
                Throwable error = errors.get(i);
                if (error == null) {
                    continue;
                }
                if (!UndeliverableMessages.isPermanent(error)) {
                    return Uni.createFrom().failure(error);
                }
                UndeliverableMessages.Undeliverable source = sources.get(i);
                undeliverable.add(new UndeliverableMessages.Undeliverable(source.topic(), source.machineId(), source.payload(), error));
            }
            metrics.counter("bulwark.outbox.relayed").increment(records.size() - undeliverable.size());
            return undeliverable.isEmpty() ? Uni.createFrom().voidItem() : undeliverables.handle(undeliverable);
        });
    }

    /** Before the database pool and the producer close: a batch in flight finishes or rolls back. */
    void stop(@Observes ShutdownEvent stopping) {
        loop.stop(Duration.ofSeconds(5));
    }
}
