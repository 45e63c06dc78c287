package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.row.ExtensionRow;
import dev.bulwark.cloud.repository.row.MachineRow;
import dev.bulwark.cloud.repository.row.RolloutRow;
import dev.bulwark.cloud.service.rollout.RolloutPlanner;
import dev.bulwark.cloud.service.rollout.RolloutStates;
import dev.bulwark.model.ErrorCode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.bulwark.cloud.repository.ExtensionRepository.list;
import static dev.bulwark.cloud.repository.ExtensionRepository.prefixed;
import static dev.bulwark.cloud.repository.Sql.column;
import static dev.bulwark.cloud.repository.Sql.utc;

/**
 * Rollouts and what belongs to them: their machines, stages and tallies. Every statement handles a whole
 * batch of machines; nothing here reads a rollout's machines one by one, and a rollout's status reads its
 * stage and tally rows, never its 100,000 machine rows.
 */
@ApplicationScoped
public class RolloutRepository {
    private static final int INSERT_CHUNK = 5_000;

    @Inject
    Pool pool;

    /** A machine of a rollout's target at acceptance, with its extension of the rollout's name (or null). */
    public record TargetMachine(String machineId, String encryptionKey, String localRules, Instant configChangedAt,
                                ExtensionRow extension) {
    }

    /**
     * A machine as a rollout holds it, from acceptance until its outcome.
     *
     * @param verdict whether the prediction was Right, Wrong or Unknown, once the outcome is known
     */
    public record RolloutMachine(String machineId, int stage, UUID operationId, String state, String errorCode,
                                 String sealedSettings, RolloutPlanner.Prediction prediction, String verdict) {
    }

    /** A Pending machine about to be issued, with what issuing needs (null machine: deregistered since). */
    public record PendingMachine(String machineId, UUID operationId, String sealedSettings, MachineRow machine,
                                 ExtensionRow extension) {
    }

    /** A machine's result as the rollout counts it. */
    public record MachineOutcome(UUID operationId, String state, String errorCode, String decision,
                                 Instant configurationChangedAt) {
        /** Succeeded; Blocked when the machine's local rules refused; otherwise Failed. */
        public static MachineOutcome of(UUID operationId, boolean succeeded, ErrorCode code, String errorCode,
                                        Instant configurationChangedAt) {
            String state = succeeded ? RolloutStates.SUCCEEDED
                    : code != null && code.isLocalRule() ? RolloutStates.BLOCKED : RolloutStates.FAILED;
            return new MachineOutcome(operationId, state, errorCode, RolloutPlanner.decisionOf(errorCode),
                    configurationChangedAt);
        }
    }

    /** Finished machines of one stage, state, error code and prediction. */
    public record Tally(int stage, String state, String errorCode, String prediction, int count) {
    }

    /**
     * One stage: its size, how many of its operations were sent, the last machine id handled (the machines
     * after it in id order are not sent yet), when it started and ended.
     */
    public record Stage(int stage, int machines, int issued, String issuedThrough, Instant startTime, Instant endTime) {
    }

    public Uni<RolloutRow> findByName(SqlClient client, String subscriptionId, String nameKey, boolean lock) {
        return client.preparedQuery("SELECT " + RolloutRow.COLUMNS + " FROM rollout WHERE subscription_id = $1"
                        + " AND name_key = $2" + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(subscriptionId, nameKey))
                .map(rows -> rows.size() == 0 ? null : RolloutRow.of(rows.iterator().next()));
    }

    public Uni<RolloutRow> find(SqlClient client, UUID id, boolean lock) {
        return client.preparedQuery("SELECT " + RolloutRow.COLUMNS + " FROM rollout WHERE id = $1" + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : RolloutRow.of(rows.iterator().next()));
    }

    public Uni<Void> delete(SqlClient client, UUID id) {
        return client.preparedQuery("DELETE FROM rollout WHERE id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    /**
     * The target's machines with their extension named {@code extensionNameKey}, in a deterministic order
     * shuffled by {@code seed} (so early stages sample the whole fleet, not one end of its names).
     *
     * @param machineIds    exactly these machines (when not null), else every machine of the subscription,
     *                      narrowed to {@code resourceGroup} when not null
     * @param tags          JSON object every machine must carry (or "{}")
     * @param withExtension only machines that have the extension (update, upgrade, delete)
     */
    public Uni<List<TargetMachine>> targets(SqlClient client, String subscriptionId, String resourceGroup,
                                            List<String> machineIds, String tags, String extensionNameKey,
                                            boolean withExtension, UUID seed) {
        StringBuilder where = new StringBuilder("m.subscription_id = $1 AND m.tags @> $2::text::jsonb");
        List<Object> params = new ArrayList<>(List.of(subscriptionId, tags, extensionNameKey, seed.toString()));
        if (machineIds != null) {
            params.add(machineIds.toArray(String[]::new));
            where.append(" AND m.resource_id = ANY($").append(params.size()).append(")");
        } else if (resourceGroup != null) {
            params.add(resourceGroup);
            where.append(" AND lower(m.resource_group) = lower($").append(params.size()).append(")");
        }
        if (withExtension) {
            where.append(" AND e.id IS NOT NULL");
        }
        return client.preparedQuery("SELECT m.resource_id, m.encryption_key, m.local_rules, m.config_changed_at, "
                        + prefixed("e", ExtensionRow.COLUMNS) + " FROM machine m LEFT JOIN extension e"
                        + " ON e.machine_id = m.resource_id AND e.name_key = $3 WHERE " + where
                        + " ORDER BY md5(m.resource_id || $4), m.resource_id")
                .execute(Tuple.from(params))
                .map(rows -> list(rows, row -> new TargetMachine(row.getString(0), row.getString(1), row.getString(2),
                        Sql.instant(row, 3), ExtensionRow.of(row, 4))));
    }

    public Uni<Void> insert(SqlClient client, RolloutRow r, String nameKey, List<Integer> stageSizes) {
        return client.preparedQuery("INSERT INTO rollout (" + RolloutRow.COLUMNS + ", name_key) VALUES ($1, $2, $3, $4, $5,"
                        + " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)")
                .execute(Tuple.from(new Object[]{r.id(), r.subscriptionId(), r.resourceGroup(), r.name(), r.location(),
                        r.definition(), r.whatIf(), r.state(), r.currentStage(), r.stageCount(), utc(r.nextStepAt()),
                        r.message(), r.prediction(), r.caller(), r.correlationId(), utc(r.createdAt()), utc(r.updatedAt()),
                        utc(r.endTime()), r.authorizationJson(), nameKey}))
                .chain(() -> client.preparedQuery("INSERT INTO rollout_stage (rollout_id, stage, machines)"
                                + " SELECT $1, s.ordinality - 1, s.machines FROM unnest($2::int[]) WITH ORDINALITY AS s(machines, ordinality)")
                        .execute(Tuple.of(r.id(), stageSizes.toArray(Integer[]::new))))
                .replaceWithVoid();
    }

    /** The machines of a new rollout, a few thousand per statement; those skipped at once are counted. */
    public Uni<Void> insertMachines(SqlClient client, UUID rolloutId, List<RolloutMachine> machines) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < machines.size(); from += INSERT_CHUNK) {
            List<RolloutMachine> chunk = machines.subList(from, Math.min(machines.size(), from + INSERT_CHUNK));
            chain = chain.chain(() -> insertChunk(client, rolloutId, chunk));
        }
        return chain.chain(() -> client.preparedQuery("INSERT INTO rollout_tally (rollout_id, stage, state, error_code, count)"
                        + " SELECT rollout_id, stage, state, coalesce(error_code, ''), count(*) FROM rollout_machine"
                        + " WHERE rollout_id = $1 AND state = '" + RolloutStates.SKIPPED + "' GROUP BY 1, 2, 3, 4")
                .execute(Tuple.of(rolloutId)).replaceWithVoid());
    }

    private static Uni<Void> insertChunk(SqlClient client, UUID rolloutId, List<RolloutMachine> chunk) {
        return client.preparedQuery("INSERT INTO rollout_machine (rollout_id, machine_id, stage, operation_id, state,"
                        + " error_code, sealed_settings, predicted_state, predicted_error_code, predicted_rule, predicted_from)"
                        + " SELECT $1, * FROM unnest($2::text[], $3::int[], $4::uuid[], $5::text[], $6::text[], $7::text[],"
                        + " $8::text[], $9::text[], $10::text[], $11::timestamptz[])")
                .execute(Tuple.from(List.of(rolloutId,
                        column(chunk, RolloutMachine::machineId, String[]::new),
                        column(chunk, RolloutMachine::stage, Integer[]::new),
                        column(chunk, RolloutMachine::operationId, UUID[]::new),
                        column(chunk, RolloutMachine::state, String[]::new),
                        column(chunk, RolloutMachine::errorCode, String[]::new),
                        column(chunk, RolloutMachine::sealedSettings, String[]::new),
                        column(chunk, m -> m.prediction().state(), String[]::new),
                        column(chunk, m -> m.prediction().errorCode(), String[]::new),
                        column(chunk, m -> m.prediction().rule(), String[]::new),
                        column(chunk, m -> utc(m.prediction().from()), OffsetDateTime[]::new))))
                .replaceWithVoid();
    }

    /** Rollouts the driver should look at now, locked (another replica skips them meanwhile). */
    public Uni<List<RolloutRow>> due(SqlClient transaction, Instant now, int limit) {
        return transaction.preparedQuery("SELECT " + RolloutRow.COLUMNS + " FROM rollout WHERE state IN ('"
                        + RolloutStates.RUNNING + "', '" + RolloutStates.CANCELING + "') AND next_step_at <= $1"
                        + " ORDER BY next_step_at LIMIT $2 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(utc(now), limit))
                .map(rows -> list(rows, RolloutRow::of));
    }

    public Uni<List<Stage>> stages(SqlClient client, UUID rolloutId) {
        return client.preparedQuery("SELECT stage, machines, issued, issued_through, start_time, end_time FROM rollout_stage"
                        + " WHERE rollout_id = $1 ORDER BY stage")
                .execute(Tuple.of(rolloutId))
                .map(rows -> list(rows, row -> new Stage(row.getInteger(0), row.getInteger(1), row.getInteger(2),
                        row.getString(3), Sql.instant(row, 4), Sql.instant(row, 5))));
    }

    public Uni<List<Tally>> tallies(SqlClient client, UUID rolloutId) {
        return client.preparedQuery("SELECT stage, state, error_code, prediction, count FROM rollout_tally WHERE rollout_id = $1")
                .execute(Tuple.of(rolloutId))
                .map(rows -> list(rows, row -> new Tally(row.getInteger(0), row.getString(1), row.getString(2),
                        row.getString(3), row.getInteger(4))));
    }

    /**
     * The next {@code limit} machines of a stage not issued yet (after the stage's cursor {@code after}, its
     * {@link Stage#issuedThrough()}), with their machine and extension as they are now. The caller holds the
     * rollout's row lock, so no other step issues them.
     */
    public Uni<List<PendingMachine>> pending(SqlClient transaction, UUID rolloutId, int stage, String after,
                                             String extensionNameKey, int limit) {
        int extensionStart = 3 + MachineRow.COLUMNS.split(",").length;
        return transaction.preparedQuery("SELECT rm.machine_id, rm.operation_id, rm.sealed_settings, "
                        + prefixed("m", MachineRow.COLUMNS) + ", " + prefixed("e", ExtensionRow.COLUMNS)
                        // The chunk is chosen first, by an index range scan from the cursor (a parameter), and only
                        // its rows are joined. Joined in one flat query, a stage of new rows (statistics not yet
                        // analyzed) got a merge join from the start of the machine index and a filtered scan of every
                        // extension: 3 s a chunk half way through 100,000 machines, against 85 ms.
                        + " FROM (SELECT machine_id, operation_id, sealed_settings FROM rollout_machine"
                        + " WHERE rollout_id = $1 AND stage = $2 AND machine_id > $5 AND state = '" + RolloutStates.PENDING + "'"
                        + " ORDER BY machine_id LIMIT $4) rm"
                        + " LEFT JOIN machine m ON m.resource_id = rm.machine_id"
                        + " LEFT JOIN extension e ON e.machine_id = rm.machine_id AND e.name_key = $3"
                        + " ORDER BY rm.machine_id")
                .execute(Tuple.of(rolloutId, stage, extensionNameKey, limit, after))
                .map(rows -> list(rows, row -> new PendingMachine(row.getString(0), row.getUUID(1), row.getString(2),
                        row.getValue(3) == null ? null : MachineRow.of(row, 3), ExtensionRow.of(row, extensionStart))));
    }

    /**
     * A chunk of the stage was handled up to {@code through} (a machine id): {@code issued} of its machines
     * were sent an operation (the others were skipped). One row, whatever the chunk's size.
     */
    public Uni<Void> markIssued(SqlClient transaction, UUID rolloutId, int stage, int issued, String through, Instant at) {
        return transaction.preparedQuery("UPDATE rollout_stage SET issued = issued + $3, issued_through = $4,"
                        + " start_time = coalesce(start_time, $5) WHERE rollout_id = $1 AND stage = $2")
                .execute(Tuple.of(rolloutId, stage, issued, through, utc(at)))
                .replaceWithVoid();
    }

    /**
     * Skips machines not sent an operation, with a reason, and counts them: those listed ({@code machineIds}
     * not null), or every one from stage {@code fromStage} on that was not issued yet.
     */
    public Uni<Void> skip(SqlClient transaction, UUID rolloutId, List<String> machineIds, int fromStage, String reason) {
        if (machineIds != null && machineIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String which = machineIds != null ? "rm.machine_id = ANY($4)"
                : "rm.stage >= $4 AND rm.machine_id > (SELECT issued_through FROM rollout_stage s"
                + " WHERE s.rollout_id = rm.rollout_id AND s.stage = rm.stage)";
        Object selector = machineIds != null ? machineIds.toArray(String[]::new) : fromStage;
        return transaction.preparedQuery("WITH skipped AS (UPDATE rollout_machine rm SET state = '" + RolloutStates.SKIPPED + "',"
                        + " error_code = $2, sealed_settings = NULL WHERE rm.rollout_id = $1 AND rm.state = '"
                        + RolloutStates.PENDING + "' AND " + which + " RETURNING rm.stage)"
                        + " INSERT INTO rollout_tally (rollout_id, stage, state, error_code, count)"
                        + " SELECT $1, stage, $3, $2, count(*) FROM skipped GROUP BY stage ORDER BY stage"
                        + " ON CONFLICT (rollout_id, stage, state, error_code, prediction)"
                        + " DO UPDATE SET count = rollout_tally.count + excluded.count")
                .execute(Tuple.of(rolloutId, reason, RolloutStates.SKIPPED, selector))
                .replaceWithVoid();
    }

    public Uni<Void> update(SqlClient transaction, UUID id, String state, int stage, Instant nextStepAt, String message,
                            Instant endTime, Instant now) {
        return transaction.preparedQuery("UPDATE rollout SET state = $2, current_stage = $3, next_step_at = $4,"
                        + " message = coalesce($5, message), end_time = $6, updated_at = $7 WHERE id = $1")
                .execute(Tuple.from(new Object[]{id, state, stage, utc(nextStepAt), message, utc(endTime), utc(now)}))
                .replaceWithVoid();
    }

    public Uni<Void> endStage(SqlClient transaction, UUID rolloutId, int stage, Instant at) {
        return transaction.preparedQuery("UPDATE rollout_stage SET end_time = coalesce(end_time, $3)"
                        + " WHERE rollout_id = $1 AND stage = $2")
                .execute(Tuple.of(rolloutId, stage, utc(at)))
                .replaceWithVoid();
    }

    /**
     * Records machines' results and counts them, in one statement: state and error code, and whether the
     * prediction was right. A prediction made from a configuration older than the one that decided (the
     * result's configurationChangedAt differs from the report's) counts as Unknown, as does one made without
     * a report. Only a machine still waiting for its outcome changes, so a redelivered result changes nothing;
     * its sealed settings, if any, are dropped.
     */
    public Uni<Void> recordOutcomes(SqlClient transaction, List<MachineOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return transaction.preparedQuery("WITH v AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[],"
                        + " $5::timestamptz[]) AS v(operation_id, state, error_code, decision, changed_at)),"
                        + " done AS (UPDATE rollout_machine rm SET state = v.state, error_code = v.error_code, sealed_settings = NULL,"
                        + " prediction = CASE WHEN rm.predicted_state IN ('" + RolloutStates.UNKNOWN + "', '"
                        + RolloutStates.SKIPPED + "') OR rm.predicted_from IS DISTINCT FROM v.changed_at THEN '"
                        + RolloutStates.UNKNOWN + "' WHEN coalesce(CASE WHEN rm.predicted_state = '" + RolloutStates.SUCCEEDED
                        + "' THEN '' ELSE rm.predicted_error_code END, '') = v.decision THEN '" + RolloutStates.RIGHT
                        + "' ELSE '" + RolloutStates.WRONG + "' END"
                        + " FROM v WHERE rm.operation_id = v.operation_id AND rm.state = '" + RolloutStates.PENDING + "'"
                        + " RETURNING rm.rollout_id, rm.stage, rm.state, coalesce(rm.error_code, '') AS error_code, rm.prediction)"
                        + " INSERT INTO rollout_tally (rollout_id, stage, state, error_code, prediction, count)"
                        + " SELECT rollout_id, stage, state, error_code, prediction, count(*) FROM done"
                        + " GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
                        + " ON CONFLICT (rollout_id, stage, state, error_code, prediction)"
                        + " DO UPDATE SET count = rollout_tally.count + excluded.count")
                .execute(Tuple.of(column(outcomes, MachineOutcome::operationId, UUID[]::new),
                        column(outcomes, MachineOutcome::state, String[]::new),
                        column(outcomes, MachineOutcome::errorCode, String[]::new),
                        column(outcomes, MachineOutcome::decision, String[]::new),
                        column(outcomes, o -> utc(o.configurationChangedAt()), OffsetDateTime[]::new)))
                .replaceWithVoid();
    }

    /**
     * A page of a rollout's machines in machine id order, after {@code afterMachineId} (null: from the start),
     * optionally only those in {@code state} and/or predicted {@code predictedState}. A Pending machine whose
     * operation was sent shows as Running.
     */
    public Uni<List<RolloutMachine>> machines(UUID rolloutId, String state, String predictedState, String afterMachineId,
                                              int limit) {
        String shownState = "CASE WHEN rm.state = '" + RolloutStates.PENDING + "' AND rm.machine_id <= s.issued_through"
                + " THEN '" + RolloutStates.RUNNING + "' ELSE rm.state END";
        StringBuilder where = new StringBuilder("rm.rollout_id = $1");
        List<Object> params = new ArrayList<>(List.of(rolloutId));
        if (state != null) {
            params.add(state);
            where.append(" AND ").append(shownState).append(" = $").append(params.size());
        }
        if (predictedState != null) {
            params.add(predictedState);
            where.append(" AND rm.predicted_state = $").append(params.size());
        }
        if (afterMachineId != null) {
            params.add(afterMachineId);
            where.append(" AND rm.machine_id > $").append(params.size());
        }
        params.add(limit);
        return pool.preparedQuery("SELECT rm.machine_id, rm.stage, rm.operation_id, " + shownState + ", rm.error_code,"
                        + " rm.predicted_state, rm.predicted_error_code, rm.predicted_rule, rm.predicted_from, rm.prediction"
                        + " FROM rollout_machine rm JOIN rollout_stage s ON s.rollout_id = rm.rollout_id AND s.stage = rm.stage"
                        + " WHERE " + where + " ORDER BY rm.machine_id LIMIT $" + params.size())
                .execute(Tuple.from(params))
                .map(rows -> list(rows, RolloutRepository::machine));
    }

    private static RolloutMachine machine(Row row) {
        return new RolloutMachine(row.getString(0), row.getInteger(1), row.getUUID(2), row.getString(3), row.getString(4),
                null, new RolloutPlanner.Prediction(row.getString(5), row.getString(6), row.getString(7),
                Sql.instant(row, 8)), row.getString(9));
    }
}
