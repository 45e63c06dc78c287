package dev.bulwark.cloud.repository.row;

import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;

import static dev.bulwark.cloud.repository.Sql.instant;

/**
 * A registered machine: its identity, public keys, tags, and what its latest agent report said.
 *
 * @param resourceId         {@code MachineIds.resourceId}: lower case, the Kafka key and machineId of every message
 * @param agentConfiguration the latest report's AgentConfiguration JSON, shown read-only
 * @param localRules         the same report's decision inputs ({@code LocalRules} as canonical JSON), for predictions
 * @param configChangedAt    when that configuration last changed on the machine (agent clock)
 */
public record MachineRow(String resourceId, String subscriptionId, String resourceGroup, String name, String location,
                         String signingKey, String encryptionKey, String agentVersion, String tags, Instant registeredAt,
                         Instant lastSeenAt, Instant connectedSince, Instant lastReportSentAt,
                         String agentConfiguration, String localRules, Instant configChangedAt) {

    public static final String COLUMNS = "resource_id, subscription_id, resource_group, name, location, signing_key,"
            + " encryption_key, agent_version, tags::text, registered_at, last_seen_at, connected_since, last_report_sent_at,"
            + " agent_configuration, local_rules, config_changed_at";

    public static MachineRow of(Row row) {
        return of(row, 0);
    }

    /** The columns of {@link #COLUMNS} read from {@code first} on (a query may put others before them). */
    public static MachineRow of(Row row, int first) {
        int i = first;
        return new MachineRow(row.getString(i), row.getString(i + 1), row.getString(i + 2), row.getString(i + 3),
                row.getString(i + 4), row.getString(i + 5), row.getString(i + 6), row.getString(i + 7),
                row.getString(i + 8), instant(row, i + 9), instant(row, i + 10), instant(row, i + 11),
                instant(row, i + 12), row.getString(i + 13), row.getString(i + 14), instant(row, i + 15));
    }
}
