package dev.bulwark.cloud.service;

import dev.bulwark.cloud.messaging.Rejected;
import dev.bulwark.cloud.messaging.Verified;
import dev.bulwark.cloud.repository.ResultProjectionRepository;
import dev.bulwark.cloud.repository.ResultProjectionRepository.Outcome;
import dev.bulwark.cloud.repository.entity.OperationEntity;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
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
 * Projects verified operation results into the operation, the extension and the activity log, a whole
 * batch per transaction. Idempotent: a result delivered twice yields one outcome event.
 */
@ApplicationScoped
public class ResultProjector {
    private static final Logger LOG = Logger.getLogger(ResultProjector.class);

    @Inject
    ResultProjectionRepository store;
    @Inject
    MeterRegistry metrics;

    /** @return results naming another machine's operation: the consumer dead-letters them */
    public Uni<List<Rejected>> project(List<Verified<OperationResult>> results) {
        Map<UUID, Verified<OperationResult>> byOperation = new LinkedHashMap<>();
        for (Verified<OperationResult> result : results) {
            UUID id = uuidOrNull(result.message().operationId());
            if (id == null) {
                LOG.warnf("Ignored a result of machine %s for operation '%s': not an operation id",
                        result.message().machineId(), result.message().operationId());
            } else {
                byOperation.putIfAbsent(id, result);
            }
        }
        if (byOperation.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return store.operations(byOperation.keySet()).chain(operations -> {
            Instant now = Timestamps.now();
            List<Outcome> outcomes = new ArrayList<>();
            List<Rejected> foreign = new ArrayList<>();
            Map<UUID, Verified<OperationResult>> unknown = new LinkedHashMap<>(byOperation);
            for (OperationEntity operation : operations) {
                Verified<OperationResult> result = unknown.remove(operation.operationId);
                if (!operation.machineId.equals(result.message().machineId())) {
                    foreign.add(new Rejected(result.record(), DeadLetter.Reason.MachineIdMismatch, "operation "
                            + operation.operationId + " was sent to another machine, not '" + result.message().machineId() + "'"));
                } else {
                    outcomes.add(outcome(operation, result.message(), now));
                }
            }
            unknown.forEach((id, result) -> LOG.warnf("Ignored a result of machine %s for unknown operation %s",
                    result.message().machineId(), id));
            return store.apply(outcomes, now).map(applied -> {
                metrics.counter("bulwark.results.applied").increment(applied);
                metrics.counter("bulwark.results.duplicates").increment(outcomes.size() - applied);
                return foreign;
            });
        });
    }

    static Outcome outcome(OperationEntity operation, OperationResult result, Instant now) {
        boolean succeeded = result.status() == ResultStatus.Succeeded;
        OperationKind kind = OperationKind.valueOf(operation.kind);
        String message = InstanceViews.cap(result.message());
        String errorCode = succeeded ? null : InstanceViews.cap(result.errorCode());
        return new Outcome(operation.operationId, operation.extensionId,
                succeeded ? OperationStatus.SUCCEEDED : OperationStatus.FAILED, errorCode, succeeded ? null : message,
                succeeded && kind == OperationKind.DELETE,
                succeeded ? ProvisioningState.SUCCEEDED : ProvisioningState.FAILED,
                Json.encodeToString(InstanceViews.of(operation, result)),
                succeeded && kind != OperationKind.DELETE ? operation.extensionVersion : null,
                ActivityEvents.outcome(operation, succeeded, errorCode, message != null ? message : defaultMessage(operation, succeeded), now));
    }

    private static String defaultMessage(OperationEntity operation, boolean succeeded) {
        return OperationKind.valueOf(operation.kind).cliName() + " of " + operation.publisher + "/" + operation.extensionType
                + " " + (succeeded ? "succeeded" : "failed") + " on machine " + operation.machineId;
    }

    private static UUID uuidOrNull(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
