package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.messaging.OutboxRelay;
import dev.bulwark.cloud.repository.ExtensionRepository;
import dev.bulwark.cloud.repository.row.ExtensionRow;
import dev.bulwark.cloud.repository.row.MachineRow;
import dev.bulwark.model.OperationKind;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST .../upgradeExtensions}: one UPGRADE operation per target, all under one polled async
 * operation and one transaction. Every target is checked before anything is written, so one bad target
 * refuses the whole request.
 */
@ApplicationScoped
public class ExtensionUpgradeService {
    @Inject
    Pool pool;
    @Inject
    MachineService machines;
    @Inject
    ExtensionRepository extensions;
    @Inject
    ExtensionService extensionService;
    @Inject
    OperationIssuer issuer;
    @Inject
    OutboxRelay relay;

    /** The upgrades are accepted together; the returned operation carries the async operation id to poll. */
    public Uni<ExtensionService.Accepted> upgrade(MachineAddress address, List<UpgradeTarget> targets, Requester requester) {
        return pool.withTransaction(tx -> machines.require(tx, address)
                        .chain(machine -> extensions.listByMachineForUpdate(tx, machine.resourceId())
                                .chain(installed -> orders(tx, machine, plan(installed, targets), requester))
                                .chain(orders -> issuer.issue(tx, orders)
                                        .map(prepared -> new ExtensionService.Accepted(prepared.operation(0),
                                                prepared.extension(0), machine.location())))))
                .invoke(relay::wake);
    }

    private Uni<List<OperationIssuer.Order>> orders(SqlClient tx, MachineRow machine, Map<ExtensionRow, String> plan, Requester requester) {
        UUID asyncOperationId = UUID.randomUUID();
        return Multi.createFrom().iterable(plan.entrySet())
                .onItem().transformToUniAndConcatenate(step -> {
                    ExtensionRow extension = step.getKey();
                    OperationKind kind = OperationPlanner.kindOfWrite(extension, extension.publisher(), extension.type(), step.getValue());
                    ExtensionRow desired = extension.desired(step.getValue(), extension.settings(),
                            extension.autoUpgradeMinorVersion(), extension.enableAutomaticUpgrade(), extension.forceUpdateTag(),
                            extension.location());
                    return extensionService.packageReferences(tx, kind, desired).map(refs -> new OperationIssuer.Order(machine,
                            desired, kind, ArmOperation.UPGRADE_EXTENSIONS, UUID.randomUUID(), null, refs, requester,
                            asyncOperationId, null, null));
                })
                .collect().asList();
    }

    /** Matches each {@code Publisher.Type} to an extension of the machine and checks the version goes up. */
    static Map<ExtensionRow, String> plan(List<ExtensionRow> installed, List<UpgradeTarget> targets) {
        Map<ExtensionRow, String> plan = new LinkedHashMap<>();
        for (UpgradeTarget target : targets) {
            String property = "extensionTargets." + target.dottedType();
            List<ExtensionRow> matches = new ArrayList<>();
            for (ExtensionRow extension : installed) {
                if ((extension.publisher() + "." + extension.type()).equalsIgnoreCase(target.dottedType())) {
                    matches.add(extension);
                }
            }
            if (matches.isEmpty()) {
                throw ApiException.invalidParameter(property, "The machine has no extension of type '"
                        + target.dottedType() + "' to upgrade.");
            }
            for (ExtensionRow extension : matches) {
                if (VersionOrder.INSTANCE.compare(target.targetVersion(), extension.typeHandlerVersion()) <= 0) {
                    throw ApiException.invalidParameter(property + ".targetVersion", "targetVersion '"
                            + target.targetVersion() + "' is not newer than the version of extension '" + extension.name()
                            + "' (" + extension.typeHandlerVersion() + ").");
                }
                plan.put(extension, target.targetVersion());
            }
        }
        return plan;
    }
}
