package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.entity.CatalogVersionEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Issued catalog versions; the current one is the highest that storage serves. */
@ApplicationScoped
public class CatalogVersionRepository implements PanacheRepositoryBase<CatalogVersionEntity, Long> {

    /**
     * The catalog agents download now, or null before the first was served. A version just committed but
     * not yet written to storage is not current: an operation naming it would send agents a catalog
     * version they cannot get yet.
     */
    public Uni<CatalogVersionEntity> current() {
        return find("servedAt is not null", Sort.descending("version")).firstResult();
    }
}
