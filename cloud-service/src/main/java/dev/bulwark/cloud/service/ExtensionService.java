package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.messaging.OutboxRelay;
import dev.bulwark.cloud.repository.ExtensionRepository;
import dev.bulwark.cloud.repository.entity.ExtensionEntity;
import dev.bulwark.cloud.repository.entity.MachineEntity;
import dev.bulwark.cloud.repository.entity.OperationEntity;
import dev.bulwark.model.OperationKind;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.UUID;

/**
 * Extension writes (PUT, PATCH, DELETE) and reads. Each write is one transaction (see
 * {@link OperationIssuer}); the outbox relay is woken after the commit so the operation leaves at once.
 */
@ApplicationScoped
public class ExtensionService {
    @Inject
    MachineService machines;
    @Inject
    ExtensionRepository extensions;
    @Inject
    OperationIssuer issuer;
    @Inject
    OutboxRelay relay;

    /** An accepted write: what to poll, where, and the extension as it now stands. */
    public record Accepted(OperationEntity operation, ExtensionEntity extension, String location) {
    }

    /** PUT: creates or replaces the extension's desired state. */
    public Uni<Accepted> put(ExtensionAddress address, ExtensionRequest request, Requester requester) {
        return write(address, (machine, existing) -> {
            ExtensionEntity extension = existing != null ? existing : newExtension(machine, address);
            OperationKind kind = OperationPlanner.kindOfWrite(existing, request.publisher(), request.type(),
                    request.typeHandlerVersion());
            extension.publisher = existing != null ? existing.publisher : request.publisher();
            extension.type = existing != null ? existing.type : request.type();
            extension.typeHandlerVersion = request.typeHandlerVersion();
            extension.settings = request.settings() == null ? null : request.settings().toString();
            extension.autoUpgradeMinorVersion = Boolean.TRUE.equals(request.autoUpgradeMinorVersion());
            extension.enableAutomaticUpgrade = Boolean.TRUE.equals(request.enableAutomaticUpgrade());
            extension.forceUpdateTag = request.forceUpdateTag();
            if (request.location() != null) {
                extension.location = request.location();
            }
            return issuer.issue(machine, extension, kind, ArmOperation.EXTENSION_WRITE, request.protectedSettings(),
                    requester, null).map(operation -> new Accepted(operation, extension, machine.location));
        });
    }

    /** PATCH: changes only the properties given; the extension must exist. */
    public Uni<Accepted> patch(ExtensionAddress address, ExtensionRequest request, Requester requester) {
        return write(address, (machine, existing) -> {
            if (existing == null) {
                throw notFound(address);
            }
            String version = request.typeHandlerVersion() != null ? request.typeHandlerVersion() : existing.typeHandlerVersion;
            OperationKind kind = OperationPlanner.kindOfWrite(existing,
                    request.publisher() != null ? request.publisher() : existing.publisher,
                    request.type() != null ? request.type() : existing.type, version);
            existing.typeHandlerVersion = version;
            if (request.settings() != null) {
                existing.settings = request.settings().toString();
            }
            if (request.autoUpgradeMinorVersion() != null) {
                existing.autoUpgradeMinorVersion = request.autoUpgradeMinorVersion();
            }
            if (request.enableAutomaticUpgrade() != null) {
                existing.enableAutomaticUpgrade = request.enableAutomaticUpgrade();
            }
            if (request.forceUpdateTag() != null) {
                existing.forceUpdateTag = request.forceUpdateTag();
            }
            return issuer.issue(machine, existing, kind, ArmOperation.EXTENSION_WRITE, request.protectedSettings(),
                    requester, null).map(operation -> new Accepted(operation, existing, machine.location));
        });
    }

    /** DELETE: null when the extension does not exist (ARM answers 204 then). */
    public Uni<Accepted> delete(ExtensionAddress address, Requester requester) {
        return write(address, (machine, existing) -> existing == null ? Uni.createFrom().nullItem()
                : issuer.issue(machine, existing, OperationKind.DELETE, ArmOperation.EXTENSION_DELETE, null, requester, null)
                .map(operation -> new Accepted(operation, existing, machine.location)));
    }

    @WithSession
    public Uni<ExtensionEntity> get(ExtensionAddress address) {
        return machines.require(address.machine())
                .chain(machine -> extensions.findByName(machine.resourceId, address.name()))
                .onItem().ifNull().failWith(() -> notFound(address));
    }

    @WithSession
    public Uni<List<ExtensionEntity>> list(MachineAddress address) {
        return machines.require(address).chain(machine -> extensions.listByMachine(machine.resourceId));
    }

    private interface Change {
        Uni<Accepted> apply(MachineEntity machine, ExtensionEntity existing);
    }

    private Uni<Accepted> write(ExtensionAddress address, Change change) {
        return Panache.withTransaction(() -> machines.require(address.machine())
                        .chain(machine -> extensions.findByName(machine.resourceId, address.name())
                                .chain(existing -> change.apply(machine, existing))))
                .invoke(accepted -> {
                    if (accepted != null) {
                        relay.wake();
                    }
                });
    }

    static ApiException notFound(ExtensionAddress address) {
        return ApiException.notFound("Microsoft.HybridCompute/machines/" + address.machine().machineName() + "/extensions",
                address.name(), address.machine().resourceGroup());
    }

    private static ExtensionEntity newExtension(MachineEntity machine, ExtensionAddress address) {
        ExtensionEntity extension = new ExtensionEntity();
        extension.id = UUID.randomUUID();
        extension.machineId = machine.resourceId;
        extension.name = address.name();
        extension.nameKey = ExtensionRepository.nameKey(address.name());
        extension.location = machine.location;
        extension.createdAt = Timestamps.now();
        return extension;
    }
}
