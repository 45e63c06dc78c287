package dev.bulwark.cloud.service;

import dev.bulwark.cloud.messaging.OutboxRelay;
import dev.bulwark.cloud.repository.ExtensionRepository;
import dev.bulwark.cloud.repository.ExtensionRepository.Settled;
import dev.bulwark.model.AgentReport;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.OperationKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reinstalls extensions that agents report missing while the cloud still expects them installed (removed
 * locally with {@code bulwark-agent extension remove}), through the same path as a PUT. One lookup per
 * batch of reports; {@link Reconciliation} decides. Protected settings cannot be resent: the cloud never
 * stores them, and the agent dropped its copy with the extension.
 */
@ApplicationScoped
public class ExtensionReconciler {
    static final String CALLER = "Bulwark reconciliation";
    static final String NOTE = "Reinstall: the machine reported the extension missing although its desired state is"
            + " installed (removed locally). Protected settings are never stored by the cloud and were not resent;"
            + " re-apply them with a PUT if the extension needs them.";
    private static final Logger LOG = Logger.getLogger(ExtensionReconciler.class);

    @Inject
    ExtensionRepository extensions;
    @Inject
    OperationIssuer issuer;
    @Inject
    PackageLocator packages;
    @Inject
    OutboxRelay relay;
    @Inject
    MeterRegistry metrics;

    /** @param newest each machine's newest report of a batch; @return how many reinstalls were issued */
    public Uni<Integer> reconcile(Collection<AgentReport> newest) {
        Map<String, AgentReport> byMachine = newest.stream()
                .collect(Collectors.toMap(AgentReport::machineId, Function.identity(), (a, b) -> b));
        if (byMachine.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Panache.withTransaction(() -> extensions.inStateOn(byMachine.keySet(), ProvisioningState.SUCCEEDED)
                        .chain(settled -> reinstallAll(missing(settled, byMachine))))
                .invoke(issued -> {
                    if (issued > 0) {
                        metrics.counter("bulwark.reconciliation.reinstalls").increment(issued);
                        relay.wake();
                    }
                });
    }

    private static List<Settled> missing(List<Settled> settled, Map<String, AgentReport> byMachine) {
        List<Settled> missing = new ArrayList<>();
        for (Settled candidate : settled) {
            AgentReport report = byMachine.get(candidate.extension().machineId);
            if (report != null && Reconciliation.needsReinstall(expected(candidate),
                    Reconciliation.nameKeys(report.extensions()), report.sentAt())) {
                missing.add(candidate);
            }
        }
        return missing;
    }

    private Uni<Integer> reinstallAll(List<Settled> missing) {
        // One after another: a reactive session runs one statement at a time.
        Uni<Integer> chain = Uni.createFrom().item(0);
        for (Settled candidate : missing) {
            chain = chain.chain(count -> reinstall(candidate).map(issued -> issued ? count + 1 : count));
        }
        return chain;
    }

    /**
     * Checked before anything changes: a version missing from the catalog (data older than publishing)
     * must not fail the batch, which would stop the report channel.
     */
    private Uni<Boolean> reinstall(Settled candidate) {
        var extension = candidate.extension();
        return packages.locate(new ExtensionId(extension.publisher, extension.type), extension.typeHandlerVersion)
                .chain(found -> {
                    if (found.isEmpty()) {
                        LOG.warnf("Extension %s on %s is missing but version %s is not published: not reinstalled",
                                extension.name, extension.machineId, extension.typeHandlerVersion);
                        return Uni.createFrom().item(false);
                    }
                    LOG.infof("Extension %s on %s reported missing: reinstalling %s/%s %s", extension.name,
                            extension.machineId, extension.publisher, extension.type, extension.typeHandlerVersion);
                    // The machine no longer has it: should the reinstall fail, the next PUT must install, not update.
                    extension.installedVersion = null;
                    return issuer.issue(candidate.machine(), extension, OperationKind.INSTALL, ArmOperation.EXTENSION_WRITE,
                            null, new Requester(CALLER, UUID.randomUUID().toString()), null, NOTE).replaceWith(true);
                });
    }

    private static Reconciliation.Expected expected(Settled candidate) {
        var operation = candidate.lastOperation();
        return new Reconciliation.Expected(candidate.extension().name, candidate.extension().provisioningState,
                OperationKind.valueOf(operation.kind), operation.status, operation.endTime, candidate.extension().updatedAt);
    }
}
