package dev.bulwark.cloud.messaging;

import dev.bulwark.cloud.service.GuestComplianceProjector;
import dev.bulwark.model.GuestComplianceReport;
import dev.bulwark.model.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@value Topics#GUEST_COMPLIANCE} (channel {@code guest-compliance}) a poll batch at a time, like
 * results: verify against the machine's registered key, dead-letter what is refused, show the rest on
 * their assignments in one transaction. Offsets are committed after the transaction, so a crash re-reads
 * the batch; the projection ignores what it already applied.
 */
@ApplicationScoped
public class GuestComplianceConsumer {
    @Inject
    SignedRecordReader reader;
    @Inject
    GuestComplianceProjector projector;
    @Inject
    DeadLetterPublisher deadLetters;

    @Incoming("guest-compliance")
    public Uni<Void> consume(ConsumerRecords<byte[], byte[]> records) {
        return reader.read(records, GuestComplianceReport.class, GuestComplianceReport.SCHEMA_VERSION,
                        GuestComplianceReport::machineId)
                .chain(reports -> Projections.isolating(reports, projector::project))
                .chain(refused -> Retries.onTransientFailure(deadLetters.send(refused)));
    }
}
