package dev.bulwark.cloud.messaging;

import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.DeadLetterRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves refused records to {@code <topic>.dlq}, key, value and headers byte for byte, plus the
 * {@link DeadLetter} headers saying why and where from ({@link DeadLetterRecords} builds them, for the agent too),
 * so one bad record never blocks a partition.
 *
 * <p>The rule: a record that cannot be parsed or verified (malformed, unsupported schema, wrong key,
 * bad signature, unknown machine, an operation of another machine) is dead-lettered; database errors are
 * retried, because the record itself is fine.
 *
 * <p>A record the broker took may no longer fit once the dead-letter headers are added (an agent can send a value
 * of exactly the broker's limit): its dead letter is sent again without the value, the detail saying so and how
 * large it was, rather than failing the batch again and again until the consumer stops.
 */
@ApplicationScoped
public class DeadLetterPublisher {
    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);

    @Inject
    CloudKafkaProducer producer;
    @Inject
    MeterRegistry metrics;

    /** Completes once the broker acknowledged every dead letter, so the source offsets may be committed. */
    public Uni<Void> send(List<Rejected> rejected) {
        if (rejected.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<ProducerRecord<byte[], byte[]>> records = rejected.stream().map(DeadLetterPublisher::deadLetter).toList();
        rejected.forEach(r -> {
            metrics.counter("bulwark.dead.letters", "topic", r.record().topic(), "reason", r.reason().name()).increment();
            // The detail names fields and keys, never message content.
            LOG.warnf("Dead-lettered %s-%d@%d: %s (%s)", r.record().topic(), r.record().partition(), r.record().offset(),
                    r.reason(), r.detail());
        });
        return producer.sendEach(records).chain(errors -> {
            List<ProducerRecord<byte[], byte[]>> valueless = new ArrayList<>();
            for (int i = 0; i < errors.size(); i++) {
                Throwable error = errors.get(i);
                if (error instanceof RecordTooLargeException) {
                    valueless.add(withoutValue(rejected.get(i)));
                } else if (error != null) {
                    // The broker is away or refused for another reason: the batch is retried, dead letters included.
                    return Uni.createFrom().failure(error);
                }
            }
            return producer.sendAll(valueless);
        });
    }

    /** The dead letter of a record too large to copy: key and headers, and a detail naming the value's size. */
    private static ProducerRecord<byte[], byte[]> withoutValue(Rejected rejected) {
        var source = rejected.record();
        LOG.warnf("The dead letter of %s-%d@%d is sent without its value of %d bytes: with the dead-letter headers it is"
                + " larger than the broker accepts", source.topic(), source.partition(), source.offset(), source.serializedValueSize());
        return DeadLetterRecords.withoutValue(deadLetter(rejected));
    }

    /** Dead letters for outbox messages the broker refused: key and reason only, since the value did not fit. */
    public Uni<Void> sendUndeliverable(List<UndeliverableMessages.Undeliverable> undeliverable) {
        List<ProducerRecord<byte[], byte[]>> records = undeliverable.stream().map(message -> {
            metrics.counter("bulwark.dead.letters", "topic", message.topic(), "reason", DeadLetter.Reason.Undeliverable.name())
                    .increment();
            return DeadLetterRecords.undeliverable(message.topic(), message.machineId().getBytes(StandardCharsets.UTF_8),
                    message.detail());
        }).toList();
        return producer.sendAll(records);
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(Rejected rejected) {
        return DeadLetterRecords.of(rejected.record(), rejected.reason(), rejected.detail());
    }
}
