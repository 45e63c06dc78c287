package dev.bulwark.cloud.service.rollout;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.messaging.OutboxRelay;
import dev.bulwark.cloud.messaging.Wakeable;
import dev.bulwark.cloud.repository.ActivityEventRepository;
import dev.bulwark.cloud.repository.RolloutRepository;
import dev.bulwark.cloud.repository.RolloutRepository.PendingMachine;
import dev.bulwark.cloud.repository.row.ExtensionRow;
import dev.bulwark.cloud.repository.row.RolloutRow;
import dev.bulwark.cloud.service.ArmOperation;
import dev.bulwark.cloud.service.OperationIssuer;
import dev.bulwark.cloud.service.PackageLocator;
import dev.bulwark.cloud.service.Requester;
import dev.bulwark.cloud.service.Timestamps;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.SealedSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Moves running rollouts forward, one step per transaction: issue the next chunk of the current stage
 * (one batch-signed outbox row for up to {@code bulwark.cloud.rollout.chunk-size} machines, never more than
 * {@code max-in-flight} machines without an outcome), or, once every
 * machine of the stage has an outcome, halt on too many failures, finish, or go on to the next stage after
 * the pause. Canceling skips what was not sent. A rollout row is locked while a step runs ({@code SKIP
 * LOCKED}), so replicas share the rollouts and never step one at the same time.
 *
 * <p>Woken when a rollout is accepted or canceled and when results of a rollout arrive; also ticks every
 * {@code bulwark.cloud.rollout.poll-interval} for pauses and for rollouts other replicas accepted.
 */
@ApplicationScoped
public class RolloutDriver {
    private static final Logger LOG = Logger.getLogger(RolloutDriver.class);

    @Inject
    Pool pool;
    @Inject
    RolloutRepository rollouts;
    @Inject
    OperationIssuer issuer;
    @Inject
    PackageLocator packages;
    @Inject
    OutboxRelay relay;
    @Inject
    CloudConfig config;
    @Inject
    MeterRegistry metrics;
    @Inject
    Vertx vertx;
    @Inject
    ActivityEventRepository events;

    private Wakeable loop;

    void start(@Observes StartupEvent started) {
        loop = new Wakeable("rollout driver", vertx, this::step, config.rollout().pollInterval(), LOG);
        loop.start();
    }

    void stop(@Observes ShutdownEvent stopping) {
        loop.stop(Duration.ofSeconds(5));
    }

    public void wake() {
        if (loop != null) {
            loop.wake();
        }
    }

    /** @return true when it did something and there may be more to do at once */
    Uni<Boolean> step() {
        Instant now = Timestamps.now();
        return pool.withTransaction(tx -> rollouts.due(tx, now, 1).chain(due -> due.isEmpty()
                        ? Uni.createFrom().item(false)
                        : advance(tx, due.get(0), now)))
                .invoke(didSomething -> {
                    if (didSomething) {
                        relay.wake(); // after the commit: the chunk's outbox row is visible now
                    }
                });
    }

    private Uni<Boolean> advance(SqlClient tx, RolloutRow rollout, Instant now) {
        RolloutDefinition definition = RolloutService.definition(rollout);
        Uni<Void> canceled = RolloutStates.CANCELING.equals(rollout.state())
                ? rollouts.skip(tx, rollout.id(), null, 0, SkipReason.Canceled.name()) : Uni.createFrom().voidItem();
        return canceled.chain(() -> rollouts.stages(tx, rollout.id()))
                .chain(stages -> rollouts.tallies(tx, rollout.id()).chain(tallies -> {
                    RolloutStatus status = RolloutStatus.of(rollout, stages, tallies);
                    if (RolloutStates.CANCELING.equals(rollout.state())) {
                        return status.total().running() > 0 ? later(tx, rollout, now)
                                : finish(tx, rollout, RolloutStates.CANCELED, null, now);
                    }
                    RolloutStatus.Counts stage = status.stages().get(rollout.currentStage()).counts();
                    int room = config.rollout().maxInFlight() - status.total().running();
                    if (stage.pending() > 0 && room > 0) {
                        return issueChunk(tx, rollout, definition, stages.get(rollout.currentStage()).issuedThrough(),
                                Math.min(room, config.rollout().chunkSize()), now);
                    }
                    if (stage.pending() > 0 || stage.running() > 0) {
                        return later(tx, rollout, now);
                    }
                    return stageDone(tx, rollout, definition, stage, now);
                }));
    }

    private Uni<Boolean> stageDone(SqlClient tx, RolloutRow rollout, RolloutDefinition definition,
                                   RolloutStatus.Counts counts, Instant now) {
        int stage = rollout.currentStage();
        Uni<Void> ended = rollouts.endStage(tx, rollout.id(), stage, now);
        int maxFailures = definition.strategy().maxFailurePercent();
        if (RolloutPlanner.exceedsFailureThreshold(counts.failed().total(), counts.machines(), maxFailures)) {
            String message = "Halted after stage " + (stage + 1) + " of " + rollout.stageCount() + ": " + counts.failed().total()
                    + " of its " + counts.machines() + " machines failed, more than the " + maxFailures
                    + "% allowed (properties.strategy.maxFailurePercent).";
            return ended.chain(() -> rollouts.skip(tx, rollout.id(), null, stage + 1, SkipReason.Halted.name()))
                    .chain(() -> finish(tx, rollout, RolloutStates.FAILED, message, now));
        }
        if (stage + 1 >= rollout.stageCount()) {
            return ended.chain(() -> finish(tx, rollout, RolloutStates.SUCCEEDED, null, now));
        }
        Instant next = now.plus(definition.strategy().pauseBetweenStages());
        return ended.chain(() -> rollouts.update(tx, rollout.id(), RolloutStates.RUNNING, stage + 1, next, null, null, now))
                .replaceWith(true);
    }

    /** Issues up to {@code size} of the current stage's machines after {@code cursor}, as one batch of operations. */
    private Uni<Boolean> issueChunk(SqlClient tx, RolloutRow rollout, RolloutDefinition definition, String cursor, int size,
                                    Instant now) {
        RolloutPlanner planner = new RolloutPlanner(definition);
        int stage = rollout.currentStage();
        return rollouts.pending(tx, rollout.id(), stage, cursor, definition.extensionName().toLowerCase(Locale.ROOT), size)
                .chain(pending -> packageReferences(tx, definition).chain(refs -> {
                    List<OperationIssuer.Order> orders = new ArrayList<>();
                    List<String> issued = new ArrayList<>();
                    Map<String, List<String>> skipped = new TreeMap<>();
                    Requester requester = new Requester(rollout.caller(), rollout.correlationId(), rollout.authorization());
                    for (PendingMachine machine : pending) {
                        RolloutPlanner.Plan plan = machine.machine() == null ? RolloutPlanner.Plan.skip(SkipReason.MachineNotFound)
                                : planner.plan(machine.extension());
                        if (plan.skipped()) {
                            skipped.computeIfAbsent(plan.skipReason(), reason -> new ArrayList<>()).add(machine.machineId());
                            continue;
                        }
                        orders.add(new OperationIssuer.Order(machine.machine(), desired(definition, planner, machine),
                                plan.kind(), plan.kind() == OperationKind.DELETE ? ArmOperation.EXTENSION_DELETE
                                : ArmOperation.EXTENSION_WRITE, machine.operationId(), sealed(machine),
                                plan.kind() == OperationKind.INSTALL || plan.kind() == OperationKind.UPGRADE ? refs : Optional.empty(),
                                requester, null, rollout.id(), "Rollout " + rollout.name() + ", stage " + (stage + 1)));
                        issued.add(machine.machineId());
                    }
                    if (pending.isEmpty()) {
                        // The counts say machines are left to send, the stage holds none: a bug; look again later, never spin.
                        LOG.errorf("Rollout %s stage %d: the counts say machines are left to send, none is", rollout.id(), stage + 1);
                        return later(tx, rollout, now);
                    }
                    String through = pending.get(pending.size() - 1).machineId();
                    Uni<Void> written = orders.isEmpty() ? Uni.createFrom().voidItem()
                            : issuer.issue(tx, orders).replaceWithVoid();
                    return written
                            .chain(() -> rollouts.markIssued(tx, rollout.id(), stage, issued.size(), through, now))
                            .chain(() -> skip(tx, rollout.id(), stage, skipped))
                            .chain(() -> rollouts.update(tx, rollout.id(), rollout.state(), stage, now, null, null, now))
                            .invoke(() -> metrics.counter("bulwark.rollout.operations.issued").increment(orders.size()))
                            .replaceWith(true);
                }));
    }

    /** One statement per reason (a handful at most), whatever the number of machines. */
    private Uni<Void> skip(SqlClient tx, UUID rolloutId, int stage, Map<String, List<String>> byReason) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, List<String>> reason : byReason.entrySet()) {
            chain = chain.chain(() -> rollouts.skip(tx, rolloutId, reason.getValue(), stage, reason.getKey()));
        }
        return chain;
    }

    /** Install and upgrade (the only kinds that download) use the rollout's version; update and delete need none. */
    private Uni<Optional<PackageLocator.PackageReferences>> packageReferences(SqlClient tx, RolloutDefinition definition) {
        if (definition.operation() == OperationKind.DELETE || definition.operation() == OperationKind.UPDATE) {
            return Uni.createFrom().item(Optional.empty());
        }
        return packages.locate(tx, definition.extension(), definition.version());
    }

    private static ExtensionRow desired(RolloutDefinition definition, RolloutPlanner planner, PendingMachine machine) {
        ExtensionRow current = machine.extension() != null ? machine.extension()
                : new ExtensionRow(UUID.randomUUID(), machine.machineId(), definition.extensionName(),
                machine.machine().location(), definition.publisher(), definition.type(), definition.version(), null, null,
                false, false, null, null, null, null, Timestamps.now(), null);
        if (definition.operation() == OperationKind.DELETE) {
            return current;
        }
        boolean update = definition.operation() == OperationKind.UPDATE;
        return current.desired(planner.versionFor(machine.extension()),
                update && definition.settings() == null ? current.settings() : definition.settings(),
                definition.autoUpgradeMinorVersion(), definition.enableAutomaticUpgrade(), definition.forceUpdateTag(),
                current.location());
    }

    private static SealedSettings sealed(PendingMachine machine) {
        if (machine.sealedSettings() == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(machine.sealedSettings(), SealedSettings.class);
        } catch (IOException e) {
            throw new IllegalStateException("sealed settings stored for " + machine.machineId() + " are unreadable", e);
        }
    }

    /** Nothing to do before results arrive (they wake the driver) or the next tick. */
    private Uni<Boolean> later(SqlClient tx, RolloutRow rollout, Instant now) {
        return rollouts.update(tx, rollout.id(), rollout.state(), rollout.currentStage(),
                now.plus(config.rollout().pollInterval()), null, null, now).replaceWith(false);
    }

    private Uni<Boolean> finish(SqlClient tx, RolloutRow rollout, String state, String message, Instant now) {
        LOG.infof("Rollout %s/%s %s%s", rollout.resourceGroup(), rollout.name(), state, message == null ? "" : ": " + message);
        metrics.counter("bulwark.rollouts.finished", "state", state).increment();
        String logged = "Rollout '" + rollout.name() + "' " + state + (message == null ? "." : ": " + message);
        return rollouts.update(tx, rollout.id(), state, rollout.currentStage(), now, message, now, now)
                .chain(() -> events.insert(tx, List.of(RolloutEvents.ended(rollout, state, logged, now))))
                .replaceWith(true);
    }


}
