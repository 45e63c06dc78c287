package dev.bulwark.cloud.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** Records agent reports on their machines: one UPDATE per batch of reports. */
@ApplicationScoped
public class AgentReportRepository {
    @Inject
    Pool pool;

    /** The newest report of one machine in a batch. */
    public record LatestReport(String machineId, String agentVersion, String configuration, Instant sentAt) {
    }

    /**
     * Every report proves the machine alive ({@code last_seen_at}, cloud clock). Only a report newer by
     * the agent's {@code sentAt} than the one shown replaces the configuration and version, so reports
     * delivered out of order never show an older configuration. A machine coming back after
     * {@code disconnectedBefore} starts a new connected period.
     */
    public Uni<Integer> record(List<LatestReport> reports, Instant receivedAt, Instant disconnectedBefore) {
        if (reports.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        String newer = "(m.last_report_sent_at IS NULL OR v.sent_at > m.last_report_sent_at)";
        return pool.preparedQuery("UPDATE machine m SET"
                        + " connected_since = CASE WHEN m.last_seen_at IS NULL OR m.last_seen_at < $6 THEN $5 ELSE m.connected_since END,"
                        + " last_seen_at = $5,"
                        + " agent_version = CASE WHEN " + newer + " THEN coalesce(v.agent_version, m.agent_version) ELSE m.agent_version END,"
                        + " agent_configuration = CASE WHEN " + newer + " THEN v.configuration ELSE m.agent_configuration END,"
                        + " last_report_sent_at = CASE WHEN " + newer + " THEN v.sent_at ELSE m.last_report_sent_at END"
                        + " FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS v(resource_id, agent_version, configuration, sent_at)"
                        + " WHERE m.resource_id = v.resource_id")
                .execute(Tuple.of(
                        reports.stream().map(LatestReport::machineId).toArray(String[]::new),
                        reports.stream().map(LatestReport::agentVersion).toArray(String[]::new),
                        reports.stream().map(LatestReport::configuration).toArray(String[]::new),
                        reports.stream().map(r -> r.sentAt().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new),
                        receivedAt.atOffset(ZoneOffset.UTC), disconnectedBefore.atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.rowCount());
    }
}
