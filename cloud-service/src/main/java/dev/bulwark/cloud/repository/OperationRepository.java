package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.entity.OperationEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/** Operations by id, and the operations behind one polled async operation (index operation_async). */
@ApplicationScoped
public class OperationRepository implements PanacheRepositoryBase<OperationEntity, UUID> {

    public Uni<List<OperationEntity>> listByAsyncOperation(String subscriptionId, UUID asyncOperationId) {
        return list("asyncOperationId = ?1 and subscriptionId = ?2", asyncOperationId, subscriptionId);
    }
}
