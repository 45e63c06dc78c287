package dev.bulwark.cloud.service;

import dev.bulwark.cloud.security.Grant;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.messaging.OutboxRelay;
import dev.bulwark.cloud.repository.ActivityEventRepository;
import dev.bulwark.cloud.repository.GuestAssignmentRepository;
import dev.bulwark.cloud.repository.OutboxRepository;
import dev.bulwark.cloud.repository.row.GuestAssignmentRow;
import dev.bulwark.cloud.repository.row.MachineRow;
import dev.bulwark.cloud.signing.CloudSigningKey;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.Json;
import dev.bulwark.model.Topics;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Guest configuration assignments. A PUT is one transaction: the assignment's new version, the outbox row
 * with the signed {@link GuestAssignment} for the machine, and the Started activity event; the outcome event
 * follows with the machine's first report ({@link GuestComplianceProjector}). A DELETE withdraws it
 * ({@code removed: true}) and is complete at once.
 */
@ApplicationScoped
public class GuestAssignmentService {
    @Inject
    Pool pool;
    @Inject
    MachineService machines;
    @Inject
    GuestAssignmentRepository assignments;
    @Inject
    OutboxRepository outbox;
    @Inject
    ActivityEventRepository events;
    @Inject
    CloudSigningKey signingKey;
    @Inject
    OutboxRelay relay;

    public record Written(GuestAssignmentRow assignment, boolean created) {
    }

    public Uni<Written> put(GuestAssignmentAddress address, GuestAssignmentRequest request, Requester requester) {
        return pool.withTransaction(tx -> machines.require(tx, address.machine()).chain(machine ->
                        assignments.findByName(tx, machine.resourceId(), address.name()).chain(existing -> {
                            Instant now = Timestamps.now();
                            // Every PUT is a new version: reports of an earlier one no longer count, compliance is Pending again.
                            GuestAssignmentRow assignment = new GuestAssignmentRow(
                                    existing != null ? existing.id() : UUID.randomUUID(), machine.resourceId(),
                                    existing != null ? existing.name() : address.name(),
                                    request.location() != null ? request.location()
                                            : existing != null ? existing.location() : machine.location(),
                                    request.configurationName(), request.configurationVersion(),
                                    Json.encodeToString(request.rules()), UUID.randomUUID(), requester.correlationId(),
                                    requester.caller(), ComplianceStatus.PENDING, null, null, null, null, null,
                                    existing != null ? existing.createdAt() : now, now);
                            GuestAssignment message = signingKey.sign(new GuestAssignment(GuestAssignment.SCHEMA_VERSION,
                                    assignment.assignmentId().toString(), machine.resourceId(), assignment.name(), request.rules(),
                                    false, now, null));
                            var started = ActivityEvents.started(subject(machine, assignment, ArmOperation.GUEST_ASSIGNMENT_WRITE,
                                    assignment.assignmentId(), requester), existing == null ? "Created" : "OK", now,
                                    "Guest configuration assignment '" + assignment.name() + "' (" + request.rules().size()
                                            + " rules) sent to machine " + machine.resourceId());
                            return assignments.upsert(tx, assignment)
                                    .chain(() -> outbox.add(tx, Topics.GUEST_ASSIGNMENTS, List.of(message(message)), now))
                                    .chain(() -> events.insert(tx, List.of(started)))
                                    .replaceWith(new Written(assignment, existing == null));
                        })))
                .invoke(relay::wake);
    }

    /** @return false when there was no such assignment (ARM answers 204 then) */
    public Uni<Boolean> delete(GuestAssignmentAddress address, Requester requester) {
        return pool.withTransaction(tx -> machines.require(tx, address.machine()).chain(machine ->
                        assignments.findByName(tx, machine.resourceId(), address.name()).chain(existing -> {
                            if (existing == null) {
                                return Uni.createFrom().item(false);
                            }
                            Instant now = Timestamps.now();
                            GuestAssignment withdrawal = signingKey.sign(new GuestAssignment(GuestAssignment.SCHEMA_VERSION,
                                    existing.assignmentId().toString(), machine.resourceId(), existing.name(), List.of(), true,
                                    now, null));
                            var subject = subject(machine, existing, ArmOperation.GUEST_ASSIGNMENT_DELETE, UUID.randomUUID(), requester);
                            String message = "Guest configuration assignment '" + existing.name() + "' withdrawn from machine "
                                    + machine.resourceId();
                            return assignments.delete(tx, existing.id())
                                    .chain(() -> outbox.add(tx, Topics.GUEST_ASSIGNMENTS, List.of(message(withdrawal)), now))
                                    .chain(() -> events.insert(tx, List.of(ActivityEvents.started(subject, "OK", now, message),
                                            ActivityEvents.outcome(subject, true, null, message, now))))
                                    .replaceWith(true);
                        })))
                .invoke(deleted -> {
                    if (deleted) {
                        relay.wake();
                    }
                });
    }

    public Uni<GuestAssignmentRow> get(GuestAssignmentAddress address) {
        return machines.require(pool, address.machine())
                .chain(machine -> assignments.findByName(pool, machine.resourceId(), address.name()))
                .onItem().ifNull().failWith(() -> ApiException.notFound("Microsoft.HybridCompute/machines/"
                        + address.machine().machineName() + "/providers/Microsoft.GuestConfiguration/guestConfigurationAssignments",
                        address.name(), address.machine().resourceGroup()));
    }

    public Uni<List<GuestAssignmentRow>> list(MachineAddress address) {
        return machines.require(pool, address).chain(machine -> assignments.listByMachine(pool, machine.resourceId()));
    }

    static ActivityEvents.Subject subject(MachineRow machine, GuestAssignmentRow assignment, ArmOperation operation,
                                          UUID operationId, Requester requester) {
        return new ActivityEvents.Subject(machine.subscriptionId(), machine.resourceGroup(),
                GuestAssignmentAddress.resourceId(machine.resourceId(), assignment.name()), requester.correlationId(),
                operationId, operation.value(), requester.caller(), Grant.toJson(requester.authorization()));
    }

    private static OutboxRepository.Message message(GuestAssignment signed) {
        return new OutboxRepository.Message(signed.machineId(), Json.encodeToString(signed));
    }
}
