package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.PackageVersionRepository;
import dev.bulwark.cloud.repository.row.CatalogVersionRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/** Reads of published versions and of the current catalog; {@link PackagePublisher} writes them. */
@ApplicationScoped
public class PackageVersionService {
    @Inject
    Pool pool;
    @Inject
    PackageVersionRepository packages;

    public Uni<List<PublishedPackage>> list(PackageVersionAddress type) {
        return packages.list(pool, type.publisher(), type.type()).map(found -> found.stream().map(PublishedPackage::of).toList());
    }

    public Uni<PublishedPackage> get(PackageVersionAddress address) {
        return packages.find(pool, address.publisher(), address.type(), address.version())
                .onItem().ifNull().failWith(() -> new ApiException(ArmErrorCode.ResourceNotFound, "Extension "
                        + address.publisher() + "/" + address.type() + " version " + address.version() + " is not published."))
                .map(PublishedPackage::of);
    }

    public Uni<CatalogVersionRow> currentCatalog() {
        return packages.currentCatalog(pool).onItem().ifNull().failWith(() -> new ApiException(ArmErrorCode.ResourceNotFound,
                "No catalog has been issued yet."));
    }
}
