package dev.bulwark.cloud.messaging;

import dev.bulwark.cloud.service.ResultProjector;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@value Topics#EXTENSION_RESULTS} (channel {@code extension-results}, group bulwark-cloud) a poll
 * batch at a time: verify, dead-letter what is refused, project the rest in one transaction. Offsets are
 * committed only after the returned Uni completes, so a crash re-reads the batch; the projection
 * ignores what it already applied.
 */
@ApplicationScoped
public class ExtensionResultConsumer {
    @Inject
    SignedRecordReader reader;
    @Inject
    ResultProjector projector;
    @Inject
    DeadLetterPublisher deadLetters;

    @Incoming("extension-results")
    public Uni<Void> consume(ConsumerRecords<byte[], byte[]> records) {
        return reader.read(records, OperationResult.class, OperationResult.SCHEMA_VERSION, OperationResult::machineId)
                .chain(results -> Projections.isolating(results, projector::project))
                .chain(foreign -> Retries.onTransientFailure(deadLetters.send(foreign)));
    }
}
