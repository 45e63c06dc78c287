package dev.bulwark.cloud.messaging;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.service.AgentReportProjector;
import dev.bulwark.cloud.service.Timestamps;
import dev.bulwark.model.AgentReport;
import dev.bulwark.model.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@value Topics#AGENT_REPORTS} (channel {@code agent-reports}) a poll batch at a time: verify,
 * dead-letter what is refused (and reports sent later than the cloud's clock allows, {@link FutureTimes}), record
 * the newest report of each machine.
 */
@ApplicationScoped
public class AgentReportConsumer {
    @Inject
    SignedRecordReader reader;
    @Inject
    AgentReportProjector projector;
    @Inject
    DeadLetterPublisher deadLetters;
    @Inject
    CloudConfig config;

    @Incoming("agent-reports")
    public Uni<Void> consume(ConsumerRecords<byte[], byte[]> records) {
        return reader.read(records, AgentReport.class, AgentReport.SCHEMA_VERSION, AgentReport::machineId)
                .chain(reports -> {
                    List<Rejected> refused = new ArrayList<>();
                    List<Verified<AgentReport>> current = FutureTimes.notAhead(reports, AgentReport::sentAt, "sentAt",
                            config.clockSkew(), Timestamps.now(), refused);
                    return Projections.isolating(current, batch -> projector.project(batch).replaceWith(List.<Rejected>of()))
                            .invoke(refused::addAll).replaceWith(refused);
                })
                .chain(refused -> Retries.onTransientFailure(deadLetters.send(refused)));
    }
}
