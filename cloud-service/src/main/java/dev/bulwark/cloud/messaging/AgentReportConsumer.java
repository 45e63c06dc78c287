package dev.bulwark.cloud.messaging;

import dev.bulwark.cloud.service.AgentReportProjector;
import dev.bulwark.model.AgentReport;
import dev.bulwark.model.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.List;

/**
 * Reads {@value Topics#AGENT_REPORTS} (channel {@code agent-reports}) a poll batch at a time: verify,
 * dead-letter what is refused, record the newest report of each machine.
 */
@ApplicationScoped
public class AgentReportConsumer {
    @Inject
    SignedRecordReader reader;
    @Inject
    AgentReportProjector projector;
    @Inject
    DeadLetterPublisher deadLetters;

    @Incoming("agent-reports")
    public Uni<Void> consume(ConsumerRecords<byte[], byte[]> records) {
        return reader.read(records, AgentReport.class, AgentReport.SCHEMA_VERSION, AgentReport::machineId)
                .chain(reports -> Projections.isolating(reports, batch -> projector.project(batch).replaceWith(List.<Rejected>of())))
                .chain(refused -> Retries.onTransientFailure(deadLetters.send(refused)));
    }
}
