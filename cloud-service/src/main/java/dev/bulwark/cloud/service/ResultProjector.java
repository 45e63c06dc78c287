package dev.bulwark.cloud.service;

import dev.bulwark.cloud.messaging.Rejected;
import dev.bulwark.cloud.messaging.Verified;
import dev.bulwark.cloud.repository.ActivityEventRepository;
import dev.bulwark.cloud.repository.ExtensionRepository;
import dev.bulwark.cloud.repository.ExtensionRepository.ResultChange;
import dev.bulwark.cloud.repository.OperationRepository;
import dev.bulwark.cloud.repository.OperationRepository.Finish;
import dev.bulwark.cloud.repository.RolloutRepository;
import dev.bulwark.cloud.repository.RolloutRepository.MachineOutcome;
import dev.bulwark.cloud.repository.row.ActivityEventRow;
import dev.bulwark.cloud.repository.row.OperationRow;
import dev.bulwark.cloud.service.rollout.RolloutDriver;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Projects verified operation results into the operations, the extensions, the activity log and the
 * rollouts that issued them, a whole batch per transaction in a fixed number of statements. Idempotent: the
 * one transaction that moves an operation out of InProgress applies its result, so a result delivered twice
 * yields one outcome event.
 */
@ApplicationScoped
public class ResultProjector {
    private static final Logger LOG = Logger.getLogger(ResultProjector.class);

    @Inject
    Pool pool;
    @Inject
    OperationRepository operations;
    @Inject
    ExtensionRepository extensions;
    @Inject
    ActivityEventRepository events;
    @Inject
    RolloutRepository rollouts;
    @Inject
    RolloutDriver rolloutDriver;
    @Inject
    MeterRegistry metrics;

    /** @return results naming another machine's operation: the consumer dead-letters them */
    public Uni<List<Rejected>> project(List<Verified<OperationResult>> results) {
        Map<UUID, Verified<OperationResult>> byOperation = new LinkedHashMap<>();
        for (Verified<OperationResult> result : results) {
            UUID id = uuidOrNull(result.message().operationId());
            if (id == null) {
                LOG.warnf("Ignored a result of machine %s for operation '%s': not an operation id",
                        result.message().machineId(), InstanceViews.cap(result.message().operationId()));
            } else {
                byOperation.putIfAbsent(id, result);
            }
        }
        if (byOperation.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Instant now = Timestamps.now();
        List<Finish> finishes = byOperation.entrySet().stream().map(e -> finish(e.getKey(), e.getValue().message())).toList();
        return pool.withTransaction(tx -> operations.finish(tx, finishes, now).call(claimed -> {
                    Applied applied = applied(claimed, byOperation, now);
                    return extensions.applyResults(tx, applied.changes(), now)
                            .chain(() -> events.insert(tx, applied.events()))
                            .chain(() -> rollouts.recordOutcomes(tx, applied.rolloutOutcomes()));
                }))
                .invoke(claimed -> {
                    metrics.counter("bulwark.results.applied").increment(claimed.size());
                    metrics.counter("bulwark.results.duplicates").increment(byOperation.size() - claimed.size());
                    if (claimed.stream().anyMatch(o -> o.rolloutId() != null)) {
                        rolloutDriver.wake();
                    }
                })
                .chain(claimed -> unclaimed(claimed, byOperation));
    }

    /**
     * Fails operations the cloud could never publish ({@code OperationUndeliverable}): a result made here, applied
     * like an agent's, so the extension, the activity log and a rollout see the operation end. Idempotent too.
     */
    public Uni<Void> failUndeliverable(List<ExtensionOperation> undeliverable) {
        if (undeliverable.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Instant now = Timestamps.now();
        List<Verified<OperationResult>> results = undeliverable.stream().map(operation -> new Verified<>(new OperationResult(
                OperationResult.SCHEMA_VERSION, operation.operationId(), operation.machineId(), operation.extension().name(),
                operation.kind(), ResultStatus.Failed, ErrorCode.OperationUndeliverable.name(), "The operation could not be"
                + " sent to the machine: its signed message is larger than the message broker accepts, so the machine never"
                + " received it. Make the settings smaller and send it again.", null, null, now, null),
                (org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>) null)).toList();
        return project(results).replaceWithVoid();
    }

    private record Applied(List<ResultChange> changes, List<ActivityEventRow> events, List<MachineOutcome> rolloutOutcomes) {
    }

    private static Applied applied(List<OperationRow> claimed, Map<UUID, Verified<OperationResult>> byOperation, Instant now) {
        List<ResultChange> changes = new ArrayList<>(claimed.size());
        List<ActivityEventRow> outcomes = new ArrayList<>(claimed.size());
        List<MachineOutcome> rolloutOutcomes = new ArrayList<>();
        for (OperationRow operation : claimed) {
            OperationResult result = byOperation.get(operation.operationId()).message();
            boolean succeeded = result.status() == ResultStatus.Succeeded;
            String message = InstanceViews.cap(result.message());
            String errorCode = succeeded ? null : InstanceViews.cap(result.errorCode());
            changes.add(new ResultChange(operation.extensionId(), operation.operationId(),
                    succeeded && operation.kind() == OperationKind.DELETE,
                    succeeded ? ProvisioningState.SUCCEEDED : ProvisioningState.FAILED,
                    Json.encodeToString(InstanceViews.of(operation, result)),
                    succeeded && operation.kind() != OperationKind.DELETE ? operation.extensionVersion() : null));
            outcomes.add(ActivityEvents.outcome(operation, succeeded, errorCode,
                    message != null ? message : defaultMessage(operation, succeeded), now));
            if (operation.rolloutId() != null) {
                rolloutOutcomes.add(MachineOutcome.of(operation.operationId(), succeeded, ErrorCode.parse(errorCode),
                        errorCode, result.configurationChangedAt()));
            }
        }
        return new Applied(changes, outcomes, rolloutOutcomes);
    }

    /** Results not applied: redeliveries (ignored), another machine's operation (dead-lettered), unknown ids (logged). */
    private Uni<List<Rejected>> unclaimed(List<OperationRow> claimed, Map<UUID, Verified<OperationResult>> byOperation) {
        Map<UUID, Verified<OperationResult>> rest = new LinkedHashMap<>(byOperation);
        claimed.forEach(operation -> rest.remove(operation.operationId()));
        if (rest.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return operations.machinesOf(rest.keySet()).map(machines -> {
            List<Rejected> foreign = new ArrayList<>();
            rest.forEach((id, result) -> {
                String machine = machines.get(id);
                if (machine == null) {
                    LOG.warnf("Ignored a result of machine %s for unknown operation %s", result.message().machineId(), id);
                } else if (!machine.equals(result.message().machineId())) {
                    foreign.add(new Rejected(result.record(), DeadLetter.Reason.MachineIdMismatch, "operation " + id
                            + " was sent to another machine, not '" + result.message().machineId() + "'"));
                }
            });
            return foreign;
        });
    }

    private static Finish finish(UUID operationId, OperationResult result) {
        boolean succeeded = result.status() == ResultStatus.Succeeded;
        return new Finish(operationId, result.machineId(), succeeded ? OperationStatus.SUCCEEDED : OperationStatus.FAILED,
                succeeded ? null : InstanceViews.cap(result.errorCode()), succeeded ? null : InstanceViews.cap(result.message()));
    }

    private static String defaultMessage(OperationRow operation, boolean succeeded) {
        return operation.kind().cliName() + " of " + operation.publisher() + "/" + operation.extensionType()
                + " " + (succeeded ? "succeeded" : "failed") + " on machine " + operation.machineId();
    }

    private static UUID uuidOrNull(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }
}
