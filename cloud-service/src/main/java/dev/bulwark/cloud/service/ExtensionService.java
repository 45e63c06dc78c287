package dev.bulwark.cloud.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.messaging.OutboxRelay;
import dev.bulwark.cloud.repository.ExtensionRepository;
import dev.bulwark.cloud.repository.row.ExtensionRow;
import dev.bulwark.cloud.repository.row.MachineRow;
import dev.bulwark.cloud.repository.row.OperationRow;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.SealedSettings;
import dev.bulwark.model.crypto.SealedBox;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Extension writes (PUT, PATCH, DELETE) and reads. Each write is one transaction that locks the extension
 * row, decides, and issues the operation ({@link OperationIssuer}); the outbox relay is woken after the commit
 * so the operation leaves at once.
 */
@ApplicationScoped
public class ExtensionService {
    @Inject
    Pool pool;
    @Inject
    MachineService machines;
    @Inject
    ExtensionRepository extensions;
    @Inject
    OperationIssuer issuer;
    @Inject
    PackageLocator packages;
    @Inject
    OutboxRelay relay;

    /** An accepted write: what to poll, where, and the extension as it now stands. */
    public record Accepted(OperationRow operation, ExtensionRow extension, String location) {
    }

    /** PUT: creates or replaces the extension's desired state. */
    public Uni<Accepted> put(ExtensionAddress address, ExtensionRequest request, Requester requester) {
        return write(address, (tx, machine, existing) -> {
            OperationKind kind = OperationPlanner.kindOfWrite(existing, request.publisher(), request.type(),
                    request.typeHandlerVersion());
            ExtensionRow current = existing != null ? existing : newExtension(machine, address, request);
            ExtensionRow desired = current.desired(request.typeHandlerVersion(),
                    request.settings() == null ? null : request.settings().toString(),
                    Boolean.TRUE.equals(request.autoUpgradeMinorVersion()), Boolean.TRUE.equals(request.enableAutomaticUpgrade()),
                    request.forceUpdateTag(), request.location() != null ? request.location() : current.location());
            return order(tx, machine, desired, kind, ArmOperation.EXTENSION_WRITE, request.protectedSettings(), requester);
        });
    }

    /** PATCH: changes only the properties given; the extension must exist. */
    public Uni<Accepted> patch(ExtensionAddress address, ExtensionRequest request, Requester requester) {
        return write(address, (tx, machine, existing) -> {
            if (existing == null) {
                throw notFound(address);
            }
            String version = request.typeHandlerVersion() != null ? request.typeHandlerVersion() : existing.typeHandlerVersion();
            OperationKind kind = OperationPlanner.kindOfWrite(existing,
                    request.publisher() != null ? request.publisher() : existing.publisher(),
                    request.type() != null ? request.type() : existing.type(), version);
            ExtensionRow desired = existing.desired(version,
                    request.settings() != null ? request.settings().toString() : existing.settings(),
                    request.autoUpgradeMinorVersion() != null ? request.autoUpgradeMinorVersion() : existing.autoUpgradeMinorVersion(),
                    request.enableAutomaticUpgrade() != null ? request.enableAutomaticUpgrade() : existing.enableAutomaticUpgrade(),
                    request.forceUpdateTag() != null ? request.forceUpdateTag() : existing.forceUpdateTag(), existing.location());
            return order(tx, machine, desired, kind, ArmOperation.EXTENSION_WRITE, request.protectedSettings(), requester);
        });
    }

    /** DELETE: null when the extension does not exist (ARM answers 204 then). */
    public Uni<Accepted> delete(ExtensionAddress address, Requester requester) {
        return write(address, (tx, machine, existing) -> existing == null ? Uni.createFrom().nullItem()
                : order(tx, machine, existing, OperationKind.DELETE, ArmOperation.EXTENSION_DELETE, null, requester));
    }

    public Uni<ExtensionRow> get(ExtensionAddress address) {
        return machines.require(pool, address.machine())
                .chain(machine -> extensions.findByName(pool, machine.resourceId(), address.name()))
                .onItem().ifNull().failWith(() -> notFound(address));
    }

    /** One page of a machine's extensions; {@code next} is null on the last page. */
    public record Page(List<ExtensionRow> extensions, ResourceCursor next) {
    }

    /** A page of the machine's extensions in name order; one row more than asked tells whether another page exists. */
    public Uni<Page> page(MachineAddress address, ResourceCursor after, int size) {
        return machines.require(pool, address)
                .chain(machine -> extensions.page(pool, machine.resourceId(), after == null ? null : after.key(0), size + 1))
                .map(found -> {
                    if (found.size() <= size) {
                        return new Page(found, null);
                    }
                    List<ExtensionRow> page = found.subList(0, size);
                    return new Page(page, ResourceCursor.of(ExtensionRepository.nameKey(page.get(size - 1).name())));
                });
    }

    private interface Change {
        /** The operation to issue, or a null item for nothing to do. */
        Uni<OperationIssuer.Order> apply(SqlClient tx, MachineRow machine, ExtensionRow existing);
    }

    private Uni<Accepted> write(ExtensionAddress address, Change change) {
        return pool.withTransaction(tx -> machines.require(tx, address.machine())
                        .chain(machine -> extensions.findByNameForUpdate(tx, machine.resourceId(), address.name())
                                .chain(existing -> change.apply(tx, machine, existing))
                                .chain(order -> order == null ? Uni.createFrom().<Accepted>nullItem()
                                        : issuer.issue(tx, List.of(order))
                                        .map(prepared -> new Accepted(prepared.operation(0), prepared.extension(0),
                                                machine.location())))))
                .invoke(accepted -> {
                    if (accepted != null) {
                        relay.wake();
                    }
                });
    }

    /**
     * The operation for one machine: its package references (install and upgrade need a published package)
     * and its protected settings sealed to the machine for this operation, off the event loop.
     */
    private Uni<OperationIssuer.Order> order(SqlClient tx, MachineRow machine, ExtensionRow desired, OperationKind kind,
                                             ArmOperation armOperation, ObjectNode protectedSettings, Requester requester) {
        return packageReferences(tx, kind, desired)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(refs -> {
                    UUID operationId = UUID.randomUUID();
                    SealedSettings sealed = protectedSettings == null || kind == OperationKind.DELETE ? null
                            : SealedBox.seal(Json.encode(protectedSettings), SealedBox.decodePublic(machine.encryptionKey()),
                            machine.resourceId(), operationId.toString());
                    return new OperationIssuer.Order(machine, desired, kind, armOperation, operationId, sealed, refs,
                            requester, null, null, null);
                });
    }

    /** Install and upgrade need a published package; update (same version) and delete need none. */
    Uni<Optional<PackageLocator.PackageReferences>> packageReferences(SqlClient client, OperationKind kind, ExtensionRow extension) {
        if (kind != OperationKind.INSTALL && kind != OperationKind.UPGRADE) {
            return Uni.createFrom().item(Optional.empty());
        }
        return packages.locate(client, new ExtensionId(extension.publisher(), extension.type()), extension.typeHandlerVersion())
                .invoke(found -> {
                    if (found.isEmpty()) {
                        throw versionNotFound(extension.publisher(), extension.type(), extension.typeHandlerVersion(),
                                "properties.typeHandlerVersion");
                    }
                });
    }

    public static ApiException versionNotFound(String publisher, String type, String version, String target) {
        return new ApiException(ArmErrorCode.ExtensionVersionNotFound, "Extension " + publisher + "/" + type + " version "
                + version + " is not published in this cloud, so no machine could verify and install it. Publish it first"
                + " (PUT .../publishers/" + publisher + "/extensionTypes/" + type + "/versions/" + version
                + ") or choose a published version.", target);
    }

    static ApiException notFound(ExtensionAddress address) {
        return ApiException.notFound("Microsoft.HybridCompute/machines/" + address.machine().machineName() + "/extensions",
                address.name(), address.machine().resourceGroup());
    }

    private static ExtensionRow newExtension(MachineRow machine, ExtensionAddress address, ExtensionRequest request) {
        return new ExtensionRow(UUID.randomUUID(), machine.resourceId(), address.name(), machine.location(),
                request.publisher(), request.type(), request.typeHandlerVersion(), null, null, false, false, null, null,
                null, null, Timestamps.now(), null);
    }
}
