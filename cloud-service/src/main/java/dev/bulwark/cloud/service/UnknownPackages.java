package dev.bulwark.cloud.service;

import dev.bulwark.model.ExtensionId;
import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** Until package publishing exists, the cloud knows no package: operations go out without references. */
@DefaultBean
@ApplicationScoped
public class UnknownPackages implements PackageLocator {

    @Override
    public Uni<Optional<PackageReferences>> locate(ExtensionId extension, String version) {
        return Uni.createFrom().item(Optional.empty());
    }
}
