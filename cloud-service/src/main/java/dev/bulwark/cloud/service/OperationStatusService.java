package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.ExtensionRepository;
import dev.bulwark.cloud.repository.OperationRepository;
import dev.bulwark.cloud.repository.row.ExtensionRow;
import dev.bulwark.cloud.repository.row.OperationRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/** Answers the polls of ARM clients for the operations they started. */
@ApplicationScoped
public class OperationStatusService {
    @Inject
    OperationRepository operations;
    @Inject
    ExtensionRepository extensions;
    @Inject
    Pool pool;

    /**
     * What {@code operationresults} answers: the status and, once an extension PUT or PATCH has succeeded, the
     * extension it left (null for deletes, upgrades, failures, and an extension deleted since).
     */
    public record Result(OperationStatus status, ExtensionRow extension) {
    }

    public Uni<Result> result(String subscriptionId, String operationId) {
        UUID id = parse(operationId);
        return operations.listByAsyncOperation(subscriptionId, id).chain(found -> {
            if (found.isEmpty()) {
                throw notFound(operationId);
            }
            OperationStatus status = OperationStatus.of(id, found);
            OperationRow first = found.get(0);
            boolean extensionWrite = found.size() == 1 && ArmOperation.EXTENSION_WRITE.value().equals(first.operationName());
            if (!status.done() || status.errorCode() != null || !extensionWrite) {
                return Uni.createFrom().item(new Result(status, null));
            }
            return extensions.findByName(pool, first.machineId(), first.extensionName()).map(e -> new Result(status, e));
        });
    }

    public Uni<OperationStatus> status(String subscriptionId, String operationId) {
        UUID id = parse(operationId);
        return operations.listByAsyncOperation(subscriptionId, id).map(found -> {
            if (found.isEmpty()) {
                throw notFound(operationId);
            }
            return OperationStatus.of(id, found);
        });
    }

    private static UUID parse(String operationId) {
        try {
            return UUID.fromString(operationId);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw notFound(operationId);
        }
    }

    private static ApiException notFound(String operationId) {
        String shown = operationId == null ? "" : operationId.length() > 64 ? operationId.substring(0, 64) : operationId;
        return new ApiException(ArmErrorCode.ResourceNotFound, "The operation '" + shown + "' was not found.");
    }
}
