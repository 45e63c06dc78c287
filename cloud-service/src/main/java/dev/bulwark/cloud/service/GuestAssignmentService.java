package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.messaging.OutboxRelay;
import dev.bulwark.cloud.repository.ActivityEventRepository;
import dev.bulwark.cloud.repository.GuestAssignmentRepository;
import dev.bulwark.cloud.repository.OutboxRepository;
import dev.bulwark.cloud.repository.entity.GuestAssignmentEntity;
import dev.bulwark.cloud.repository.entity.MachineEntity;
import dev.bulwark.cloud.repository.entity.OutboxMessageEntity;
import dev.bulwark.cloud.signing.CloudSigningKey;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.Json;
import dev.bulwark.model.Topics;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
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

    public record Written(GuestAssignmentEntity assignment, boolean created) {
    }

    public Uni<Written> put(GuestAssignmentAddress address, GuestAssignmentRequest request, Requester requester) {
        return Panache.withTransaction(() -> machines.require(address.machine()).chain(machine ->
                        assignments.findByName(machine.resourceId, address.name()).chain(existing -> {
                            Instant now = Timestamps.now();
                            GuestAssignmentEntity assignment = existing != null ? existing : newAssignment(machine, address, now);
                            if (request.location() != null) {
                                assignment.location = request.location();
                            }
                            assignment.configurationName = request.configurationName();
                            assignment.configurationVersion = request.configurationVersion();
                            assignment.rules = Json.encodeToString(request.rules());
                            newVersion(assignment, requester, now);
                            GuestAssignment message = signingKey.sign(new GuestAssignment(GuestAssignment.SCHEMA_VERSION,
                                    assignment.assignmentId.toString(), machine.resourceId, assignment.name, request.rules(),
                                    false, now, null));
                            var started = ActivityEvents.started(subject(machine, assignment, ArmOperation.GUEST_ASSIGNMENT_WRITE,
                                    assignment.assignmentId, requester), existing == null ? "Created" : "OK", now,
                                    "Guest configuration assignment '" + assignment.name + "' (" + request.rules().size()
                                            + " rules) sent to machine " + machine.resourceId);
                            return assignments.persist(assignment)
                                    .chain(() -> outbox.persist(outboxRow(message, now)))
                                    .chain(() -> events.persist(started))
                                    .replaceWith(new Written(assignment, existing == null));
                        })))
                .invoke(relay::wake);
    }

    /** @return false when there was no such assignment (ARM answers 204 then) */
    public Uni<Boolean> delete(GuestAssignmentAddress address, Requester requester) {
        return Panache.withTransaction(() -> machines.require(address.machine()).chain(machine ->
                        assignments.findByName(machine.resourceId, address.name()).chain(existing -> {
                            if (existing == null) {
                                return Uni.createFrom().item(false);
                            }
                            Instant now = Timestamps.now();
                            GuestAssignment withdrawal = signingKey.sign(new GuestAssignment(GuestAssignment.SCHEMA_VERSION,
                                    existing.assignmentId.toString(), machine.resourceId, existing.name, List.of(), true, now, null));
                            var subject = subject(machine, existing, ArmOperation.GUEST_ASSIGNMENT_DELETE, UUID.randomUUID(), requester);
                            String message = "Guest configuration assignment '" + existing.name + "' withdrawn from machine "
                                    + machine.resourceId;
                            return assignments.delete(existing)
                                    .chain(() -> outbox.persist(outboxRow(withdrawal, now)))
                                    .chain(() -> events.persist(ActivityEvents.started(subject, "OK", now, message)))
                                    .chain(() -> events.persist(ActivityEvents.outcome(subject, true, null, message, now)))
                                    .replaceWith(true);
                        })))
                .invoke(deleted -> {
                    if (deleted) {
                        relay.wake();
                    }
                });
    }

    @WithSession
    public Uni<GuestAssignmentEntity> get(GuestAssignmentAddress address) {
        return machines.require(address.machine())
                .chain(machine -> assignments.findByName(machine.resourceId, address.name()))
                .onItem().ifNull().failWith(() -> ApiException.notFound("Microsoft.HybridCompute/machines/"
                        + address.machine().machineName() + "/providers/Microsoft.GuestConfiguration/guestConfigurationAssignments",
                        address.name(), address.machine().resourceGroup()));
    }

    @WithSession
    public Uni<List<GuestAssignmentEntity>> list(MachineAddress address) {
        return machines.require(address).chain(machine -> assignments.listByMachine(machine.resourceId));
    }

    /** Every PUT is a new version: reports of an earlier one no longer count, compliance is Pending again. */
    private static void newVersion(GuestAssignmentEntity assignment, Requester requester, Instant now) {
        assignment.assignmentId = UUID.randomUUID();
        assignment.correlationId = requester.correlationId();
        assignment.caller = requester.caller();
        assignment.complianceStatus = ComplianceStatus.PENDING;
        assignment.lastComplianceChecked = null;
        assignment.reportErrorCode = null;
        assignment.reportMessage = null;
        assignment.reportResources = null;
        assignment.firstReportedAt = null;
        assignment.updatedAt = now;
    }

    static ActivityEvents.Subject subject(MachineEntity machine, GuestAssignmentEntity assignment, ArmOperation operation,
                                          UUID operationId, Requester requester) {
        return new ActivityEvents.Subject(machine.subscriptionId, machine.resourceGroup,
                GuestAssignmentAddress.resourceId(machine.resourceId, assignment.name), requester.correlationId(),
                operationId, operation.value(), requester.caller());
    }

    private static OutboxMessageEntity outboxRow(GuestAssignment message, Instant now) {
        OutboxMessageEntity row = new OutboxMessageEntity();
        row.topic = Topics.GUEST_ASSIGNMENTS;
        row.machineId = message.machineId();
        row.payload = Json.encodeToString(message);
        row.createdAt = now;
        return row;
    }

    private static GuestAssignmentEntity newAssignment(MachineEntity machine, GuestAssignmentAddress address, Instant now) {
        GuestAssignmentEntity assignment = new GuestAssignmentEntity();
        assignment.id = UUID.randomUUID();
        assignment.machineId = machine.resourceId;
        assignment.name = address.name();
        assignment.nameKey = GuestAssignmentRepository.nameKey(address.name());
        assignment.location = machine.location;
        assignment.createdAt = now;
        return assignment;
    }
}
