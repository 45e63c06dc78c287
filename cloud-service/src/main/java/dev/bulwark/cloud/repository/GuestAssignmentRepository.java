package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.entity.GuestAssignmentEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Guest assignments of a machine; every query uses the unique (machine_id, name_key) index. */
@ApplicationScoped
public class GuestAssignmentRepository implements PanacheRepositoryBase<GuestAssignmentEntity, UUID> {

    public Uni<GuestAssignmentEntity> findByName(String machineId, String name) {
        return find("machineId = ?1 and nameKey = ?2", machineId, nameKey(name)).firstResult();
    }

    public Uni<List<GuestAssignmentEntity>> listByMachine(String machineId) {
        return list("machineId = ?1 order by nameKey", machineId);
    }

    public static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
