package dev.bulwark.cloud.service.rollout;

import dev.bulwark.cloud.security.Grant;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.ActivityEventRepository;
import dev.bulwark.cloud.repository.RolloutRepository;
import dev.bulwark.cloud.repository.RolloutRepository.RolloutMachine;
import dev.bulwark.cloud.repository.RolloutRepository.TargetMachine;
import dev.bulwark.cloud.repository.row.ActivityEventRow;
import dev.bulwark.cloud.repository.row.RolloutRow;
import dev.bulwark.cloud.service.ExtensionService;
import dev.bulwark.cloud.service.PackageLocator;
import dev.bulwark.cloud.service.Requester;
import dev.bulwark.cloud.service.Timestamps;
import dev.bulwark.model.Json;
import dev.bulwark.model.MachineIds;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.SealedSettings;
import dev.bulwark.model.crypto.SealedBox;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Accepts, shows and cancels rollouts. Acceptance is one transaction whatever the fleet's size: the target is
 * read with one query, every machine's stage, operation, prediction and sealed protected settings are decided
 * off the event loop, and written a few thousand rows per statement. The {@link RolloutDriver} then issues the
 * stages.
 */
@ApplicationScoped
public class RolloutService {
    @Inject
    Pool pool;
    @Inject
    RolloutRepository rollouts;
    @Inject
    PackageLocator packages;
    @Inject
    RolloutDriver driver;
    @Inject
    ActivityEventRepository events;

    /** A validated PUT body. {@code protectedSettings} exist only here, on their way to being sealed. */
    public record Submission(String location, RolloutDefinition definition, ObjectNode protectedSettings, boolean whatIf) {
        @Override
        public String toString() {
            return "Submission[" + definition + (protectedSettings == null ? "" : ", protectedSettings=<redacted>") + "]";
        }
    }

    /** The planned machines of a new rollout, and how they split into stages. */
    private record Planned(List<RolloutMachine> machines, List<Integer> stageSizes, PredictionSummary prediction) {
    }

    public Uni<RolloutRow> put(RolloutAddress address, Submission submission, Requester requester) {
        RolloutDefinition definition = submission.definition();
        UUID id = UUID.randomUUID();
        return packageCheck(definition)
                .chain(() -> pool.withTransaction(tx -> rollouts.findByName(tx, address.subscriptionId(), address.nameKey(), true)
                        .chain(existing -> {
                            if (existing != null && RolloutStates.isActive(existing.state())) {
                                throw new ApiException(ArmErrorCode.AnotherOperationInProgress, "Rollout '" + address.name()
                                        + "' is still " + existing.state() + "; cancel it (POST .../extensionRollouts/"
                                        + address.name() + "/cancel) or wait for it to finish before starting it again.");
                            }
                            return existing == null ? Uni.createFrom().voidItem() : rollouts.delete(tx, existing.id());
                        })
                        .chain(() -> targets(tx, address, definition, id))
                        .chain(targets -> plan(definition, submission, targets, id))
                        .chain(planned -> {
                            Instant now = Timestamps.now();
                            RolloutRow row = new RolloutRow(id, address.subscriptionId(), address.resourceGroup(),
                                    address.name(), submission.location(), Json.encodeToString(definition), submission.whatIf(),
                                    submission.whatIf() ? RolloutStates.WHAT_IF : RolloutStates.RUNNING, 0,
                                    planned.stageSizes().size(), now, null, Json.encodeToString(planned.prediction()),
                                    requester.caller(), requester.correlationId(), now, now, submission.whatIf() ? now : null,
                                    Grant.toJson(requester.authorization()));
                            List<ActivityEventRow> logged = submission.whatIf() ? List.of()
                                    : List.of(RolloutEvents.accepted(row, describe(definition, planned)));
                            return rollouts.insert(tx, row, address.nameKey(), planned.stageSizes())
                                    .chain(() -> rollouts.insertMachines(tx, id, planned.machines()))
                                    .chain(() -> events.insert(tx, logged))
                                    .replaceWith(row);
                        })))
                .invoke(row -> {
                    if (!row.whatIf()) {
                        driver.wake();
                    }
                });
    }

    public Uni<RolloutRow> get(RolloutAddress address) {
        return rollouts.findByName(pool, address.subscriptionId(), address.nameKey(), false)
                .onItem().ifNull().failWith(() -> notFound(address));
    }

    /** Stops issuing: machines not yet sent are skipped (Canceled); those in flight finish. */
    public Uni<RolloutRow> cancel(RolloutAddress address, Requester requester) {
        return pool.withTransaction(tx -> rollouts.findByName(tx, address.subscriptionId(), address.nameKey(), true)
                        .onItem().ifNull().failWith(() -> notFound(address))
                        .chain(rollout -> {
                            if (!RolloutStates.RUNNING.equals(rollout.state())) {
                                throw new ApiException(ArmErrorCode.Conflict, "Rollout '" + address.name() + "' is "
                                        + rollout.state() + ": there is nothing left to cancel.");
                            }
                            Instant now = Timestamps.now();
                            return rollouts.update(tx, rollout.id(), RolloutStates.CANCELING, rollout.currentStage(), now,
                                            "Canceled by " + requester.caller() + ".", null, now)
                                    .chain(() -> events.insert(tx, List.of(RolloutEvents.canceled(rollout, requester.caller(),
                                            requester.correlationId(), now))))
                                    .replaceWith(rollout);
                        }))
                .invoke(driver::wake);
    }

    /** A page of the rollout's machines in machine id order (see {@link RolloutRepository#machines}). */
    public Uni<List<RolloutMachine>> machines(RolloutRow rollout, String state, String predictedState, String after, int limit) {
        return rollouts.machines(rollout.id(), state, predictedState, after, limit);
    }

    /** A rollout by the id clients poll, within its subscription. */
    public Uni<RolloutRow> byId(String subscriptionId, UUID id) {
        return rollouts.find(pool, id, false).map(found -> found != null && found.subscriptionId().equals(subscriptionId)
                ? found : null);
    }

    public static RolloutDefinition definition(RolloutRow rollout) {
        try {
            return Json.MAPPER.readValue(rollout.definition(), RolloutDefinition.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("rollout " + rollout.id() + " has an unreadable definition", e);
        }
    }

    /** The status of a rollout, from its stage and tally rows. */
    public Uni<RolloutStatus> status(RolloutRow rollout) {
        return rollouts.stages(pool, rollout.id())
                .chain(stages -> rollouts.tallies(pool, rollout.id()).map(tallies -> RolloutStatus.of(rollout, stages, tallies)));
    }

    private static String describe(RolloutDefinition definition, Planned planned) {
        PredictionSummary predicted = planned.prediction();
        return definition.operation().cliName() + " of " + definition.publisher() + "/" + definition.type()
                + (definition.version() == null ? "" : " " + definition.version()) + " (extension '" + definition.extensionName()
                + "') on " + planned.machines().size() + " machines in " + planned.stageSizes().size() + " stage(s); predicted: "
                + predicted.succeeded() + " allowed, " + predicted.blocked().total() + " blocked by local rules, "
                + predicted.skipped().total() + " skipped, " + predicted.unknown() + " unknown";
    }

    /** Install and upgrade need the version published: refused before anything is written. */
    private Uni<Void> packageCheck(RolloutDefinition definition) {
        if (definition.operation() != OperationKind.INSTALL && definition.operation() != OperationKind.UPGRADE) {
            return Uni.createFrom().voidItem();
        }
        return packages.locate(pool, definition.extension(), definition.version())
                .invoke(found -> {
                    if (found.isEmpty()) {
                        throw ExtensionService.versionNotFound(definition.publisher(), definition.type(), definition.version(),
                                "properties.extension.properties.typeHandlerVersion");
                    }
                })
                .replaceWithVoid();
    }

    private Uni<List<TargetMachine>> targets(SqlClient tx, RolloutAddress address,
                                             RolloutDefinition definition, UUID seed) {
        RolloutDefinition.Target target = definition.target();
        List<String> listed = target.machines().isEmpty() ? null : target.machines().stream()
                .map(machine -> machine.startsWith("/") ? machine.toLowerCase(Locale.ROOT)
                        : MachineIds.resourceId(address.subscriptionId(), address.resourceGroup(), machine))
                .distinct().toList();
        String resourceGroup = target.scope() == RolloutDefinition.Scope.ResourceGroup ? address.resourceGroup() : null;
        boolean withExtension = definition.operation() != OperationKind.INSTALL;
        return rollouts.targets(tx, address.subscriptionId(), resourceGroup, listed, Json.encodeToString(target.tags()),
                        definition.extensionName().toLowerCase(Locale.ROOT), withExtension, seed)
                .invoke(found -> {
                    if (listed != null) {
                        requireListed(listed, found, withExtension);
                    }
                    if (found.isEmpty()) {
                        throw new ApiException(ArmErrorCode.RolloutTargetEmpty, "The target holds no machine"
                                + (withExtension ? " with extension '" + definition.extensionName() + "'" : "")
                                + ": " + describe(target, address) + ". Nothing was started.", "properties.target");
                    }
                });
    }

    private static void requireListed(List<String> listed, List<TargetMachine> found, boolean withExtension) {
        Set<String> present = new HashSet<>();
        found.forEach(machine -> present.add(machine.machineId()));
        List<String> missing = listed.stream().filter(id -> !present.contains(id)).toList();
        if (!missing.isEmpty()) {
            throw ApiException.invalidParameter("properties.target.machines", missing.size() + " of the listed machines "
                    + (withExtension ? "are not registered in this subscription or have no such extension" : "are not registered in this subscription")
                    + ", for example " + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                    + ". Nothing was started.");
        }
    }

    private static String describe(RolloutDefinition.Target target, RolloutAddress address) {
        if (!target.machines().isEmpty()) {
            return target.machines().size() + " listed machine(s)";
        }
        String scope = target.scope() == RolloutDefinition.Scope.Subscription ? "subscription " + address.subscriptionId()
                : "resource group " + address.resourceGroup();
        return scope + (target.tags().isEmpty() ? "" : " with tags " + Json.encodeToString(target.tags()));
    }

    /** Off the event loop: every machine's stage, operation, prediction and sealed settings. */
    private Uni<Planned> plan(RolloutDefinition definition, Submission submission, List<TargetMachine> targets, UUID id) {
        return Uni.createFrom().item(() -> planNow(definition, submission, targets))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static Planned planNow(RolloutDefinition definition, Submission submission, List<TargetMachine> targets) {
        RolloutPlanner planner = new RolloutPlanner(definition);
        List<Integer> sizes = RolloutPlanner.stageSizes(targets.size(), definition.strategy().stages());
        int[] stageOf = new int[targets.size()];
        for (int stage = 0, index = 0; stage < sizes.size(); stage++) {
            for (int i = 0; i < sizes.get(stage); i++) {
                stageOf[index++] = stage;
            }
        }
        List<RolloutPlanner.Plan> plans = new ArrayList<>(targets.size());
        List<RolloutPlanner.Prediction> predictions = new ArrayList<>(targets.size());
        for (TargetMachine target : targets) {
            RolloutPlanner.Plan plan = planner.plan(target.extension());
            plans.add(plan);
            predictions.add(planner.predict(plan, target.localRules(), target.configChangedAt()));
        }
        if (!submission.whatIf() && plans.stream().allMatch(RolloutPlanner.Plan::skipped)) {
            throw new ApiException(ArmErrorCode.RolloutTargetEmpty, "None of the " + targets.size() + " target machines"
                    + " can take this operation (" + skipped(plans) + "). Nothing was started.", "properties.target");
        }
        UUID[] operationIds = new UUID[targets.size()];
        SealedSettings[] sealed = new SealedSettings[targets.size()];
        seal(submission, targets, plans, operationIds, sealed);
        List<RolloutMachine> machines = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            RolloutPlanner.Plan plan = plans.get(i);
            machines.add(new RolloutMachine(targets.get(i).machineId(), stageOf[i], operationIds[i],
                    plan.skipped() ? RolloutStates.SKIPPED : RolloutStates.PENDING, plan.skipReason(),
                    sealed[i] == null ? null : Json.encodeToString(sealed[i]), predictions.get(i), null));
        }
        return new Planned(machines, sizes, PredictionSummary.of(predictions));
    }

    /**
     * Operation ids are fixed now because sealed settings are bound to them; sealing is spread over the cores,
     * with one ephemeral key for the whole request ({@link SealedBox#sealer()}).
     */
    private static void seal(Submission submission, List<TargetMachine> targets, List<RolloutPlanner.Plan> plans,
                             UUID[] operationIds, SealedSettings[] sealed) {
        for (int i = 0; i < operationIds.length; i++) {
            operationIds[i] = UUID.randomUUID();
        }
        if (submission.protectedSettings() == null || submission.whatIf()) {
            return;
        }
        byte[] plaintext = Json.encode(submission.protectedSettings());
        SealedBox.Sealer sealer = SealedBox.sealer();
        IntStream.range(0, targets.size()).parallel().forEach(i -> {
            RolloutPlanner.Plan plan = plans.get(i);
            if (!plan.skipped() && plan.kind() != OperationKind.DELETE) {
                TargetMachine target = targets.get(i);
                sealed[i] = sealer.seal(plaintext, SealedBox.decodePublic(target.encryptionKey()), target.machineId(),
                        operationIds[i].toString());
            }
        });
        Arrays.fill(plaintext, (byte) 0);
    }

    private static String skipped(Collection<RolloutPlanner.Plan> plans) {
        Map<String, Integer> reasons = new TreeMap<>();
        plans.forEach(plan -> reasons.merge(plan.skipReason(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        reasons.forEach((reason, count) -> parts.add(count + " " + reason));
        return String.join(", ", parts);
    }

    static ApiException notFound(RolloutAddress address) {
        return ApiException.notFound(RolloutAddress.TYPE, address.name(), address.resourceGroup());
    }
}
