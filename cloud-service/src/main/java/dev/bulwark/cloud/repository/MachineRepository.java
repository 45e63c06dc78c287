package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.entity.MachineEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

/** Machines by resource id (the primary key). */
@ApplicationScoped
public class MachineRepository implements PanacheRepositoryBase<MachineEntity, String> {
}
