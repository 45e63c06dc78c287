package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.OperationRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/** Answers the polls of ARM clients for the operations they started. */
@ApplicationScoped
public class OperationStatusService {
    @Inject
    OperationRepository operations;

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
