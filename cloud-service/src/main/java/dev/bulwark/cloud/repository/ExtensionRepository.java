package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.entity.ExtensionEntity;
import dev.bulwark.cloud.repository.entity.MachineEntity;
import dev.bulwark.cloud.repository.entity.OperationEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Extensions of a machine; every query uses the unique (machine_id, name_key) index. */
@ApplicationScoped
public class ExtensionRepository implements PanacheRepositoryBase<ExtensionEntity, UUID> {

    /** A settled extension with its latest operation and its machine. */
    public record Settled(ExtensionEntity extension, OperationEntity lastOperation, MachineEntity machine) {
    }

    public Uni<ExtensionEntity> findByName(String machineId, String name) {
        return find("machineId = ?1 and nameKey = ?2", machineId, nameKey(name)).firstResult();
    }

    public Uni<List<ExtensionEntity>> listByMachine(String machineId) {
        return list("machineId = ?1 order by nameKey", machineId);
    }

    /**
     * The extensions in {@code provisioningState} on these machines, with their latest operation and machine:
     * one statement for a whole batch of machines (the name-key index's machine_id prefix). The rows are
     * locked, so a concurrent write either commits first (and the row no longer matches) or waits for us.
     */
    public Uni<List<Settled>> inStateOn(Collection<String> machineIds, String provisioningState) {
        if (machineIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return getSession().chain(session -> session.createSelectionQuery(
                        "select e, o, m from ExtensionEntity e, OperationEntity o, MachineEntity m"
                                + " where e.machineId in (:machines) and e.provisioningState = :state"
                                + " and o.operationId = e.lastOperationId and m.resourceId = e.machineId", Object[].class)
                .setParameter("machines", machineIds)
                .setParameter("state", provisioningState)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList())
                .map(rows -> rows.stream().map(row -> new Settled((ExtensionEntity) row[0], (OperationEntity) row[1],
                        (MachineEntity) row[2])).toList());
    }

    public static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
