package dev.bulwark.cloud.messaging;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.service.GuestComplianceProjector;
import dev.bulwark.cloud.service.Timestamps;
import dev.bulwark.model.GuestComplianceReport;
import dev.bulwark.model.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@value Topics#GUEST_COMPLIANCE} (channel {@code guest-compliance}) a poll batch at a time, like
 * results: verify against the machine's registered key, dead-letter what is refused (and reports evaluated later
 * than the cloud's clock allows, {@link FutureTimes}), show the rest on
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
    @Inject
    CloudConfig config;

    @Incoming("guest-compliance")
    public Uni<Void> consume(ConsumerRecords<byte[], byte[]> records) {
        return reader.read(records, GuestComplianceReport.class, GuestComplianceReport.SCHEMA_VERSION,
                        GuestComplianceReport::machineId)
                .chain(reports -> {
                    List<Rejected> refused = new ArrayList<>();
                    List<Verified<GuestComplianceReport>> current = FutureTimes.notAhead(reports,
                            GuestComplianceReport::evaluatedAt, "evaluatedAt", config.clockSkew(), Timestamps.now(), refused);
                    return Projections.isolating(current, projector::project).invoke(refused::addAll).replaceWith(refused);
                })
                .chain(refused -> Retries.onTransientFailure(deadLetters.send(refused)));
    }
}
