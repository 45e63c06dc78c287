package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.messaging.OutboxRelay;
import dev.bulwark.cloud.repository.ExtensionRepository;
import dev.bulwark.cloud.repository.entity.ExtensionEntity;
import dev.bulwark.cloud.repository.entity.MachineEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
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
    MachineService machines;
    @Inject
    ExtensionRepository extensions;
    @Inject
    OperationIssuer issuer;
    @Inject
    OutboxRelay relay;

    /** The upgrades are accepted together; the returned operation carries the async operation id to poll. */
    public Uni<ExtensionService.Accepted> upgrade(MachineAddress address, List<UpgradeTarget> targets, Requester requester) {
        return Panache.withTransaction(() -> machines.require(address)
                        .chain(machine -> extensions.listByMachine(machine.resourceId)
                                .chain(installed -> issueAll(machine, plan(installed, targets), requester))))
                .invoke(relay::wake);
    }

    private Uni<ExtensionService.Accepted> issueAll(MachineEntity machine, Map<ExtensionEntity, String> plan,
                                                    Requester requester) {
        UUID asyncOperationId = UUID.randomUUID();
        // One after another: a reactive session runs one statement at a time.
        Uni<ExtensionService.Accepted> chain = Uni.createFrom().nullItem();
        for (Map.Entry<ExtensionEntity, String> step : plan.entrySet()) {
            ExtensionEntity extension = step.getKey();
            chain = chain.chain(() -> {
                var kind = OperationPlanner.kindOfWrite(extension, extension.publisher, extension.type, step.getValue());
                extension.typeHandlerVersion = step.getValue();
                return issuer.issue(machine, extension, kind, ArmOperation.UPGRADE_EXTENSIONS, null, requester,
                        asyncOperationId).map(operation -> new ExtensionService.Accepted(operation, extension, machine.location));
            });
        }
        return chain;
    }

    /** Matches each {@code Publisher.Type} to an extension of the machine and checks the version goes up. */
    static Map<ExtensionEntity, String> plan(List<ExtensionEntity> installed, List<UpgradeTarget> targets) {
        Map<ExtensionEntity, String> plan = new LinkedHashMap<>();
        for (UpgradeTarget target : targets) {
            String property = "extensionTargets." + target.dottedType();
            List<ExtensionEntity> matches = new ArrayList<>();
            for (ExtensionEntity extension : installed) {
                if ((extension.publisher + "." + extension.type).equalsIgnoreCase(target.dottedType())) {
                    matches.add(extension);
                }
            }
            if (matches.isEmpty()) {
                throw ApiException.invalidParameter(property, "The machine has no extension of type '"
                        + target.dottedType() + "' to upgrade.");
            }
            for (ExtensionEntity extension : matches) {
                if (VersionOrder.INSTANCE.compare(target.targetVersion(), extension.typeHandlerVersion) <= 0) {
                    throw ApiException.invalidParameter(property + ".targetVersion", "targetVersion '"
                            + target.targetVersion() + "' is not newer than the version of extension '" + extension.name
                            + "' (" + extension.typeHandlerVersion + ").");
                }
                plan.put(extension, target.targetVersion());
            }
        }
        return plan;
    }
}
