package dev.bulwark.cloud.messaging;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.repository.OutboxRelayRepository;
import dev.bulwark.cloud.repository.OutboxRelayRepository.PendingMessage;
import dev.bulwark.model.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes the outbox to the topic of each row ({@value Topics#EXTENSION_OPERATIONS},
 * {@value Topics#GUEST_ASSIGNMENTS}), keyed by machine id, in batches.
 *
 * <p>Why an outbox: the operation row and the message must both exist or neither. Writing the message
 * in the request's transaction and publishing it afterwards gives that without distributed transactions;
 * the price is at-least-once delivery (a crash between the broker's ack and the DELETE publishes the
 * batch again), which agents absorb by ignoring an operationId they already handled.
 *
 * <p>Woken right after each commit (low latency) and every poll interval (rows left by a failure, a
 * restart or another replica). Runs on its own thread, one drain at a time, so batches stay in order;
 * that thread also keeps the poll clock (the Quarkus scheduler does not tick faster than once a second).
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(2);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread relay = new Thread(r, "bulwark-outbox-relay");
        relay.setDaemon(true);
        return relay;
    });
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private volatile long pausedUntilNanos = System.nanoTime();
    private volatile boolean failing;

    @Inject
    OutboxRelayRepository outbox;
    @Inject
    CloudKafkaProducer producer;
    @Inject
    CloudConfig config;
    @Inject
    MeterRegistry metrics;

    /** Asks for a drain soon; cheap and safe to call from any thread, any number of times. */
    public void wake() {
        if (System.nanoTime() - pausedUntilNanos >= 0 && !thread.isShutdown() && drainQueued.compareAndSet(false, true)) {
            try {
                thread.execute(this::drain);
            } catch (RejectedExecutionException stopping) {
                drainQueued.set(false);
            }
        }
    }

    void start(@Observes StartupEvent started) {
        long interval = config.outbox().pollInterval().toMillis();
        thread.scheduleWithFixedDelay(this::wake, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void drain() {
        drainQueued.set(false);
        int batchSize = config.outbox().batchSize();
        try {
            int sent;
            do {
                sent = outbox.relayBatch(batchSize, this::publish);
                metrics.counter("bulwark.outbox.relayed").increment(sent);
            } while (sent == batchSize);
            failing = false;
        } catch (RuntimeException e) {
            pausedUntilNanos = System.nanoTime() + RETRY_AFTER_FAILURE.toNanos();
            // The whole story once per outage, one line per retry after that.
            if (!failing) {
                LOG.warnf(e, "Outbox relay failed, retrying every %d s", RETRY_AFTER_FAILURE.toSeconds());
            } else {
                LOG.debugf("Outbox relay still failing: %s", e);
            }
            failing = true;
        }
    }

    private void publish(List<PendingMessage> batch) {
        List<ProducerRecord<byte[], byte[]>> records = batch.stream()
                .map(message -> new ProducerRecord<>(message.topic(),
                        message.machineId().getBytes(StandardCharsets.UTF_8),
                        message.payload().getBytes(StandardCharsets.UTF_8)))
                .toList();
        producer.sendAll(records).await().atMost(SEND_TIMEOUT);
    }

    /** Before the database pool and the producer close: a batch in flight finishes or rolls back. */
    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(10, TimeUnit.SECONDS);
    }
}
