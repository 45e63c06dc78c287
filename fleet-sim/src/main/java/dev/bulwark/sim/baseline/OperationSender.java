package dev.bulwark.sim.baseline;

import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Stage 1, the cloud's relay: sends the operations, one per machine, as fast as the producer takes
 * them. Returns the {@link System#nanoTime()} of the first send: the start of the measured time.
 */
final class OperationSender implements Callable<Long> {

    private final Baseline.Settings settings;
    private final BaselineNames names;
    private final CountDownLatch consumersReady;

    OperationSender(Baseline.Settings settings, BaselineNames names, CountDownLatch consumersReady) {
        this.settings = settings;
        this.names = names;
        this.consumersReady = consumersReady;
    }

    @Override
    public Long call() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ClientSettings.relayProducer(settings))) {
            // The relay is long running: fetching the topic's metadata is not part of what is measured.
            producer.partitionsFor(names.operationsTopic());
            if (!consumersReady.await(Stall.LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("baseline: the consumers got no partitions in " + Stall.LIMIT.toSeconds() + " s");
            }
            AtomicReference<Exception> failure = new AtomicReference<>();
            long start = System.nanoTime();
            for (int i = 0; i < settings.records() && failure.get() == null; i++) {
                producer.send(new ProducerRecord<>(names.operationsTopic(), Payloads.machineKey(i + 1),
                                Payloads.value(UUID.randomUUID(), settings.operationBytes())),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
            if (failure.get() != null) {
                throw new IllegalStateException("baseline: sending operations failed: " + failure.get(), failure.get());
            }
            return start;
        }
    }
}
