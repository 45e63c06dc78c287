package dev.bulwark.cloud.service.rollout;

import dev.bulwark.cloud.repository.row.ExtensionRow;
import dev.bulwark.cloud.service.VersionOrder;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.policy.Decision;
import dev.bulwark.model.policy.ExtensionPolicy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure decisions of a rollout: how many machines each stage takes, what each machine is asked (or why
 * it is skipped), and what its own local rules will answer, predicted from its last report with the agent's
 * {@link ExtensionPolicy#decide}. One instance per rollout: decisions are remembered per distinct rule set,
 * so a fleet of 100,000 machines with a handful of rule sets costs a handful of decisions.
 */
public final class RolloutPlanner {
    private final RolloutDefinition definition;
    private final Map<String, Prediction> predictions = new HashMap<>();

    public RolloutPlanner(RolloutDefinition definition) {
        this.definition = definition;
    }

    /** What one machine is asked: {@code kind}, or skipped with {@code skipReason} (a {@link SkipReason} name). */
    public record Plan(OperationKind kind, String skipReason) {
        static Plan of(OperationKind kind) {
            return new Plan(kind, null);
        }

        static Plan skip(SkipReason reason) {
            return new Plan(null, reason.name());
        }

        public boolean skipped() {
            return kind == null;
        }
    }

    /**
     * What the machine's local rules will answer. {@code state} is Succeeded (allowed), Blocked (refused by a
     * local rule), Failed (refused otherwise: its configuration is invalid), Skipped (not sent) or Unknown (no
     * report yet); {@code from} is the changedAt of the configuration it was predicted from.
     */
    public record Prediction(String state, String errorCode, String rule, Instant from) {
    }

    /**
     * The machine's operation, from its extension of this name as the cloud knows it (null: none), with the
     * same rules as a single PUT, PATCH, upgrade or DELETE would apply.
     */
    public Plan plan(ExtensionRow existing) {
        OperationKind operation = definition.operation();
        if (existing == null) {
            return operation == OperationKind.INSTALL ? Plan.of(OperationKind.INSTALL) : Plan.skip(SkipReason.ExtensionNotFound);
        }
        if (!existing.publisher().equalsIgnoreCase(definition.publisher()) || !existing.type().equalsIgnoreCase(definition.type())) {
            return Plan.skip(SkipReason.PropertyChangeNotAllowed);
        }
        if (operation == OperationKind.DELETE) {
            return Plan.of(OperationKind.DELETE);
        }
        if (existing.installedVersion() == null) {
            // Never installed (or its install failed): there is nothing to reconfigure; anything else installs.
            return operation == OperationKind.UPDATE ? Plan.skip(SkipReason.NotInstalled) : Plan.of(OperationKind.INSTALL);
        }
        String version = operation == OperationKind.UPDATE ? existing.typeHandlerVersion() : definition.version();
        int order = VersionOrder.INSTANCE.compare(version, existing.installedVersion());
        if (order < 0) {
            return Plan.skip(SkipReason.DowngradeNotAllowed);
        }
        if (operation == OperationKind.UPGRADE && order == 0) {
            return Plan.skip(SkipReason.AlreadyAtVersion);
        }
        return Plan.of(order > 0 ? OperationKind.UPGRADE : OperationKind.UPDATE);
    }

    /** The version the machine is asked to run: an update keeps what it has, every other operation sets the rollout's. */
    public String versionFor(ExtensionRow existing) {
        return definition.operation() == OperationKind.UPDATE && existing != null ? existing.typeHandlerVersion()
                : definition.version();
    }

    /** {@code localRules} is the machine's reported rule set ({@link ReportedRules}), null before its first report. */
    public Prediction predict(Plan plan, String localRules, Instant configChangedAt) {
        if (plan.skipped()) {
            return new Prediction(RolloutStates.SKIPPED, plan.skipReason(), null, configChangedAt);
        }
        if (localRules == null) {
            return new Prediction(RolloutStates.UNKNOWN, null, null, null);
        }
        Prediction decided = predictions.computeIfAbsent(plan.kind() + "\n" + localRules, key -> {
            Decision decision = ExtensionPolicy.decide(ReportedRules.parse(localRules), definition.extension(), plan.kind());
            if (decision.allowed()) {
                return new Prediction(RolloutStates.SUCCEEDED, null, decision.rule(), null);
            }
            return new Prediction(decision.errorCode().isLocalRule() ? RolloutStates.BLOCKED : RolloutStates.FAILED,
                    decision.errorCode().name(), decision.rule(), null);
        });
        return new Prediction(decided.state(), decided.errorCode(), decided.rule(), configChangedAt);
    }

    /**
     * How many machines each stage takes: counts as given, percentages of the whole target rounded up, none
     * beyond what is left; what remains after the listed stages is one more stage; empty stages are dropped.
     */
    public static List<Integer> stageSizes(int total, List<RolloutDefinition.Stage> stages) {
        List<Integer> sizes = new ArrayList<>();
        int left = total;
        for (RolloutDefinition.Stage stage : stages) {
            int wanted = stage.count() != null ? stage.count() : (int) Math.ceil(stage.percent() * total / 100.0);
            int size = Math.min(wanted, left);
            if (size > 0) {
                sizes.add(size);
                left -= size;
            }
        }
        if (left > 0) {
            sizes.add(left);
        }
        return sizes;
    }

    /** Whether a stage's failures halt the rollout: more than {@code maxFailurePercent} of the stage Failed. */
    public static boolean exceedsFailureThreshold(int failed, int stageMachines, int maxFailurePercent) {
        return stageMachines > 0 && failed * 100L > (long) maxFailurePercent * stageMachines;
    }

    /**
     * The decision a result shows: the refusal code when the machine's rules refused (a policy code), else ""
     * (allowed; whatever the handler then did). Predictions are judged on decisions, not on handler outcomes.
     */
    public static String decisionOf(String resultErrorCode) {
        ErrorCode code = ErrorCode.parse(resultErrorCode);
        return code != null && code.isPolicyRefusal() ? code.name() : "";
    }
}
