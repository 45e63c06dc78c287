package dev.bulwark.cloud.repository.row;

import dev.bulwark.cloud.security.Grant;
import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

import static dev.bulwark.cloud.repository.Sql.instant;

/**
 * A rollout: one fleet-wide operation and where it stands.
 *
 * @param id         this run of the rollout, and what clients poll
 * @param definition {@code RolloutDefinition} JSON (never protected settings)
 * @param state      {@code RolloutStates}: Running, Canceling, Succeeded, Failed, Canceled or WhatIf
 * @param nextStepAt when the driver looks at it again
 * @param prediction the what-if summary fixed at acceptance, JSON
 */
public record RolloutRow(UUID id, String subscriptionId, String resourceGroup, String name, String location,
                         String definition, boolean whatIf, String state, int currentStage, int stageCount,
                         Instant nextStepAt, String message, String prediction, String caller, String correlationId,
                         Instant createdAt, Instant updatedAt, Instant endTime, String authorizationJson) {

    public static final String COLUMNS = "id, subscription_id, resource_group, name, location, definition, what_if, state,"
            + " current_stage, stage_count, next_step_at, message, prediction, caller, correlation_id, created_at,"
            + " updated_at, end_time, authorization_json";

    /** What allowed the request that started it: per-machine operations and events record the same. */
    public Grant authorization() {
        return Grant.fromJson(authorizationJson);
    }

    public static RolloutRow of(Row row) {
        return new RolloutRow(row.getUUID(0), row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                row.getString(5), row.getBoolean(6), row.getString(7), row.getInteger(8), row.getInteger(9),
                instant(row, 10), row.getString(11), row.getString(12), row.getString(13), row.getString(14),
                instant(row, 15), instant(row, 16), instant(row, 17), row.getString(18));
    }
}
