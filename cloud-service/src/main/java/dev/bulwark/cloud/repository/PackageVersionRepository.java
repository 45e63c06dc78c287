package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.entity.PackageVersionEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Locale;

/** Published package versions by publisher/type (case-insensitive) and version (exact): the package_version_identity index. */
@ApplicationScoped
public class PackageVersionRepository implements PanacheRepositoryBase<PackageVersionEntity, Long> {

    public Uni<PackageVersionEntity> find(String publisher, String type, String version) {
        return find("publisherKey = ?1 and typeKey = ?2 and version = ?3", key(publisher), key(type), version).firstResult();
    }

    public Uni<List<PackageVersionEntity>> list(String publisher, String type) {
        return list("publisherKey = ?1 and typeKey = ?2 order by id", key(publisher), key(type));
    }

    public static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
