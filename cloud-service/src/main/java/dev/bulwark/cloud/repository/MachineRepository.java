package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.row.MachineRow;
import dev.bulwark.cloud.service.ReadableMachines;
import dev.bulwark.cloud.service.ResourceCursor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.bulwark.cloud.repository.Sql.column;
import static dev.bulwark.cloud.repository.Sql.utc;

/** The machine table: registrations (one or thousands per statement), reads, and what agent reports say. */
@ApplicationScoped
public class MachineRepository {
    @Inject
    Pool pool;

    /** A machine as its registration writes it; {@code tags} JSON, or null to keep what a known machine has. */
    public record Registration(String resourceId, String subscriptionId, String resourceGroup, String name,
                               String location, String signingKey, String encryptionKey, String agentVersion,
                               String tags, Instant at) {
    }

    /** The newest report of one machine in a batch, with its decision inputs ({@code LocalRules} canonical JSON). */
    public record LatestReport(String machineId, String agentVersion, String configuration, String localRules,
                               Instant configChangedAt, Instant sentAt) {
    }

    public Uni<MachineRow> find(SqlClient client, String resourceId) {
        return client.preparedQuery("SELECT " + MachineRow.COLUMNS + " FROM machine WHERE resource_id = $1")
                .execute(Tuple.of(resourceId))
                .map(rows -> rows.size() == 0 ? null : MachineRow.of(rows.iterator().next()));
    }

    public Uni<MachineRow> find(String resourceId) {
        return find(pool, resourceId);
    }

    /**
     * One page of a subscription's machines, or of one resource group's, in (lower(resource_group), resource_id)
     * order: a keyset range scan of index machine_group, never an OFFSET, however deep the page.
     *
     * @param resourceGroup null for the whole subscription
     * @param readable      null when the caller may read every machine listed, else where it may
     * @param after         the last machine of the previous page, or null for the first page
     */
    public Uni<List<MachineRow>> page(String subscriptionId, String resourceGroup, ReadableMachines readable,
                                      ResourceCursor after, int limit) {
        StringBuilder where = new StringBuilder("subscription_id = $1");
        List<Object> params = new ArrayList<>(List.of(subscriptionId));
        if (resourceGroup != null) {
            params.add(resourceGroup.toLowerCase(Locale.ROOT));
            where.append(" AND lower(resource_group) = $").append(params.size());
        }
        if (readable != null) {
            params.add(readable.resourceGroups().toArray(String[]::new));
            params.add(readable.machineIds().toArray(String[]::new));
            where.append(" AND (lower(resource_group) = ANY($").append(params.size() - 1).append(") OR resource_id = ANY($")
                    .append(params.size()).append("))");
        }
        if (after != null) {
            params.add(after.key(0));
            params.add(after.key(1));
            where.append(" AND (lower(resource_group), resource_id) > ($").append(params.size() - 1).append(", $")
                    .append(params.size()).append(")");
        }
        params.add(limit);
        return pool.preparedQuery("SELECT " + MachineRow.COLUMNS + " FROM machine WHERE " + where
                        + " ORDER BY lower(resource_group), resource_id LIMIT $" + params.size())
                .execute(Tuple.from(params))
                .map(rows -> ExtensionRepository.list(rows, MachineRow::of));
    }

    /** The machine, locked until the transaction ends, or null. */
    public Uni<MachineRow> findForUpdate(SqlClient tx, String resourceId) {
        return tx.preparedQuery("SELECT " + MachineRow.COLUMNS + " FROM machine WHERE resource_id = $1 FOR UPDATE")
                .execute(Tuple.of(resourceId))
                .map(rows -> rows.size() == 0 ? null : MachineRow.of(rows.iterator().next()));
    }

    /** Deletes the machine; its extensions and guest assignments go with it (ON DELETE CASCADE). */
    public Uni<Void> delete(SqlClient tx, String resourceId) {
        return tx.preparedQuery("DELETE FROM machine WHERE resource_id = $1").execute(Tuple.of(resourceId)).replaceWithVoid();
    }

    /** Replaces the machine's tags (a PATCH's {@code tags} replaces them whole, as on ARM). */
    public Uni<MachineRow> replaceTags(SqlClient client, String resourceId, String tags) {
        return client.preparedQuery("UPDATE machine SET tags = $2::text::jsonb WHERE resource_id = $1 RETURNING " + MachineRow.COLUMNS)
                .execute(Tuple.of(resourceId, tags))
                .map(rows -> rows.size() == 0 ? null : MachineRow.of(rows.iterator().next()));
    }

    /**
     * Registers new machines and re-registers known ones (new keys, location, agent version; tags when
     * given), in one statement. Reports already recorded are kept.
     *
     * @return the rows as stored, each with whether this statement created it
     */
    public Uni<List<Registered>> register(SqlClient client, List<Registration> machines) {
        return client.preparedQuery("INSERT INTO machine (resource_id, subscription_id, resource_group, name, location,"
                        + " signing_key, encryption_key, agent_version, tags, registered_at)"
                        + " SELECT v.resource_id, v.subscription_id, v.resource_group, v.name, v.location, v.signing_key,"
                        + " v.encryption_key, v.agent_version, coalesce(v.tags::jsonb, '{}'), v.at"
                        + " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
                        + " $8::text[], $9::text[], $10::timestamptz[]) AS v(resource_id, subscription_id, resource_group, name,"
                        + " location, signing_key, encryption_key, agent_version, tags, at)"
                        + " ON CONFLICT (resource_id) DO UPDATE SET location = excluded.location,"
                        + " signing_key = excluded.signing_key, encryption_key = excluded.encryption_key,"
                        + " agent_version = coalesce(excluded.agent_version, machine.agent_version),"
                        + " tags = CASE WHEN excluded.tags = '{}'::jsonb THEN machine.tags ELSE excluded.tags END"
                        + " RETURNING (xmax = 0) AS created, " + MachineRow.COLUMNS)
                .execute(Tuple.from(List.of(
                        column(machines, Registration::resourceId, String[]::new),
                        column(machines, Registration::subscriptionId, String[]::new),
                        column(machines, Registration::resourceGroup, String[]::new),
                        column(machines, Registration::name, String[]::new),
                        column(machines, Registration::location, String[]::new),
                        column(machines, Registration::signingKey, String[]::new),
                        column(machines, Registration::encryptionKey, String[]::new),
                        column(machines, Registration::agentVersion, String[]::new),
                        column(machines, Registration::tags, String[]::new),
                        utc(machines.stream().map(Registration::at).toList()))))
                .map(rows -> {
                    List<Registered> registered = new ArrayList<>();
                    for (Row row : rows) {
                        registered.add(new Registered(MachineRow.of(row, 1), row.getBoolean(0)));
                    }
                    return registered;
                });
    }

    public record Registered(MachineRow machine, boolean created) {
    }

    /** A registered machine's public keys, base64 X.509. */
    public record Keys(String signing, String encryption) {
    }

    /** The keys of those of {@code machineIds} that are registered, locked until the transaction ends. */
    public Uni<Map<String, Keys>> lockKeys(SqlClient tx, Collection<String> machineIds) {
        return tx.preparedQuery("SELECT resource_id, signing_key, encryption_key FROM machine WHERE resource_id = ANY($1)"
                        + " ORDER BY resource_id FOR UPDATE")
                .execute(Tuple.of(machineIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Keys> keys = new HashMap<>();
                    for (Row row : rows) {
                        keys.put(row.getString(0), new Keys(row.getString(1), row.getString(2)));
                    }
                    return keys;
                });
    }

    /** Resource id to base64 X.509 Ed25519 key; machines that are not registered are absent. */
    public Uni<Map<String, String>> signingKeys(Collection<String> machineIds) {
        if (machineIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("SELECT resource_id, signing_key FROM machine WHERE resource_id = ANY($1)")
                .execute(Tuple.of(machineIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, String> keys = new HashMap<>();
                    for (Row row : rows) {
                        keys.put(row.getString(0), row.getString(1));
                    }
                    return keys;
                });
    }

    /**
     * Every report proves the machine alive ({@code last_seen_at}, cloud clock). Only a report newer by
     * the agent's {@code sentAt} than the one shown replaces the configuration and version, so reports
     * delivered out of order never show an older configuration. A machine coming back after
     * {@code disconnectedBefore} starts a new connected period.
     */
    public Uni<Integer> recordReports(List<LatestReport> reports, Instant receivedAt, Instant disconnectedBefore) {
        if (reports.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        String newer = "(m.last_report_sent_at IS NULL OR v.sent_at > m.last_report_sent_at)";
        return pool.preparedQuery("UPDATE machine m SET"
                        + " connected_since = CASE WHEN m.last_seen_at IS NULL OR m.last_seen_at < $8 THEN $7 ELSE m.connected_since END,"
                        + " last_seen_at = $7,"
                        + " agent_version = CASE WHEN " + newer + " THEN coalesce(v.agent_version, m.agent_version) ELSE m.agent_version END,"
                        + " agent_configuration = CASE WHEN " + newer + " THEN v.configuration ELSE m.agent_configuration END,"
                        + " local_rules = CASE WHEN " + newer + " THEN v.local_rules ELSE m.local_rules END,"
                        + " config_changed_at = CASE WHEN " + newer + " THEN v.changed_at ELSE m.config_changed_at END,"
                        + " last_report_sent_at = CASE WHEN " + newer + " THEN v.sent_at ELSE m.last_report_sent_at END"
                        + " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])"
                        + " AS v(resource_id, agent_version, configuration, local_rules, changed_at, sent_at)"
                        + " WHERE m.resource_id = v.resource_id")
                .execute(Tuple.from(List.of(
                        column(reports, LatestReport::machineId, String[]::new),
                        column(reports, LatestReport::agentVersion, String[]::new),
                        column(reports, LatestReport::configuration, String[]::new),
                        column(reports, LatestReport::localRules, String[]::new),
                        utc(reports.stream().map(LatestReport::configChangedAt).toList()),
                        utc(reports.stream().map(LatestReport::sentAt).toList()),
                        utc(receivedAt), utc(disconnectedBefore))))
                .map(rows -> rows.rowCount());
    }
}
