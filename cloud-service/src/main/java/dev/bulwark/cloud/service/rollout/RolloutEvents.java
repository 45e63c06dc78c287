package dev.bulwark.cloud.service.rollout;

import dev.bulwark.cloud.repository.row.ActivityEventRow;
import dev.bulwark.cloud.repository.row.RolloutRow;
import dev.bulwark.cloud.service.ActivityEvents;
import dev.bulwark.cloud.service.ArmOperation;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * A rollout's own activity-log events, on the rollout's resource and under its request's correlation id (the
 * same as its machines' events): accepted, then how it ended; and a cancel request.
 */
final class RolloutEvents {
    private RolloutEvents() {
    }

    static ActivityEventRow accepted(RolloutRow rollout, String message) {
        return ActivityEvents.started(subject(rollout, ArmOperation.ROLLOUT_WRITE, rollout.id(), rollout.caller()),
                "Accepted", rollout.createdAt(), message);
    }

    static ActivityEventRow ended(RolloutRow rollout, String state, String message, Instant at) {
        boolean succeeded = RolloutStates.SUCCEEDED.equals(state);
        return ActivityEvents.outcome(subject(rollout, ArmOperation.ROLLOUT_WRITE, rollout.id(), rollout.caller()), succeeded,
                succeeded ? null : "Rollout" + state, message, at);
    }

    /** The Started and Succeeded events of a cancel request. */
    static ActivityEventRow[] canceled(RolloutRow rollout, String caller, String correlationId, Instant at) {
        ActivityEvents.Subject subject = new ActivityEvents.Subject(rollout.subscriptionId(), rollout.resourceGroup(),
                resourceId(rollout), correlationId, UUID.randomUUID(), ArmOperation.ROLLOUT_CANCEL.value(), caller,
                rollout.authorizationJson());
        String message = "Rollout '" + rollout.name() + "' canceled: machines not sent yet are skipped, those in flight finish.";
        return new ActivityEventRow[]{ActivityEvents.started(subject, "Accepted", at, message),
                ActivityEvents.outcome(subject, true, null, message, at)};
    }

    private static ActivityEvents.Subject subject(RolloutRow rollout, ArmOperation operation, UUID operationId, String caller) {
        return new ActivityEvents.Subject(rollout.subscriptionId(), rollout.resourceGroup(), resourceId(rollout),
                rollout.correlationId(), operationId, operation.value(), caller, rollout.authorizationJson());
    }

    static String resourceId(RolloutRow rollout) {
        return RolloutAddress.of(rollout.subscriptionId(), rollout.resourceGroup(), rollout.name()).resourceId()
                .toLowerCase(Locale.ROOT);
    }
}
