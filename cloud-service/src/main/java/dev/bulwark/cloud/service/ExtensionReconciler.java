package dev.bulwark.cloud.service;

import dev.bulwark.cloud.messaging.OutboxRelay;
import dev.bulwark.cloud.repository.ExtensionRepository;
import dev.bulwark.cloud.repository.ExtensionRepository.Settled;
import dev.bulwark.model.AgentReport;
import dev.bulwark.model.OperationKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
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
 * locally with {@code bulwark-agent extension remove}), through the same issuer as a PUT. One lookup and
 * one batch of operations per batch of reports; {@link Reconciliation} decides. Protected settings cannot
 * be resent: the cloud never stores them, and the agent dropped its copy with the extension.
 */
@ApplicationScoped
public class ExtensionReconciler {
    static final String CALLER = "Bulwark reconciliation";
    static final String NOTE = "Reinstall: the machine reported the extension missing although its desired state is"
            + " installed (removed locally). Protected settings are never stored by the cloud and were not resent;"
            + " re-apply them with a PUT if the extension needs them.";
    private static final Logger LOG = Logger.getLogger(ExtensionReconciler.class);

    @Inject
    Pool pool;
    @Inject
    ExtensionRepository extensions;
    @Inject
    ExtensionService extensionService;
    @Inject
    OperationIssuer issuer;
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
        return pool.withTransaction(tx -> extensions.inStateOn(tx, byMachine.keySet(), ProvisioningState.SUCCEEDED)
                        .chain(settled -> orders(tx, missing(settled, byMachine)))
                        .chain(orders -> orders.isEmpty() ? Uni.createFrom().item(0)
                                : issuer.issue(tx, orders).replaceWith(orders.size())))
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
            AgentReport report = byMachine.get(candidate.extension().machineId());
            if (report != null && Reconciliation.needsReinstall(expected(candidate),
                    Reconciliation.nameKeys(report.extensions()), report.sentAt())) {
                missing.add(candidate);
            }
        }
        return missing;
    }

    /**
     * A version missing from the catalog (data older than publishing) is skipped with a warning: it must not
     * fail the batch, which would stop the report channel.
     */
    private Uni<List<OperationIssuer.Order>> orders(SqlClient tx, List<Settled> missing) {
        return Multi.createFrom().iterable(missing)
                .onItem().transformToUniAndConcatenate(candidate -> {
                    var extension = candidate.extension();
                    return extensionService.packageReferences(tx, OperationKind.INSTALL, extension)
                            .map(refs -> {
                                LOG.infof("Extension %s on %s reported missing: reinstalling %s/%s %s", extension.name(),
                                        extension.machineId(), extension.publisher(), extension.type(),
                                        extension.typeHandlerVersion());
                                // The machine no longer has it: should the reinstall fail, the next PUT must install, not update.
                                return new OperationIssuer.Order(candidate.machine(), extension.notInstalled(),
                                        OperationKind.INSTALL, ArmOperation.EXTENSION_WRITE, UUID.randomUUID(), null, refs,
                                        new Requester(CALLER, UUID.randomUUID().toString(), null), null, null, NOTE);
                            })
                            .onFailure().recoverWithItem(error -> {
                                LOG.warnf("Extension %s on %s is missing but cannot be reinstalled: %s", extension.name(),
                                        extension.machineId(), error.getMessage());
                                return null; // dropped from the stream
                            });
                })
                .collect().asList();
    }

    private static Reconciliation.Expected expected(Settled candidate) {
        var operation = candidate.lastOperation();
        return new Reconciliation.Expected(candidate.extension().name(), candidate.extension().provisioningState(),
                operation.kind(), operation.status(), operation.endTime(), candidate.extension().updatedAt());
    }
}
