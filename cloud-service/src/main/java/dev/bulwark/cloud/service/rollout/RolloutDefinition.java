package dev.bulwark.cloud.service.rollout;

import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.OperationKind;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a rollout does, as accepted and stored ({@code rollout.definition}). Protected settings are not part
 * of it: they are sealed to each machine at acceptance and never stored in the clear.
 *
 * @param operation what each machine is asked: INSTALL (PUT semantics: install, or reconfigure or upgrade what
 *                  is there), UPDATE (new settings, same version), UPGRADE (a higher version) or DELETE; the
 *                  last three apply to target machines that have the extension
 * @param settings  public settings, JSON text, or null
 */
public record RolloutDefinition(OperationKind operation, String extensionName, String publisher, String type,
                                String version, String settings, boolean autoUpgradeMinorVersion,
                                boolean enableAutomaticUpgrade, String forceUpdateTag, Target target,
                                Strategy strategy) {

    public ExtensionId extension() {
        return new ExtensionId(publisher, type);
    }

    /**
     * Which machines: every machine of the rollout's resource group or of its subscription ({@code scope}),
     * narrowed to those carrying all {@code tags}; or exactly {@code machines} (names in the resource group,
     * or resource ids in the subscription).
     */
    public record Target(Scope scope, Map<String, String> tags, List<String> machines) {
        public Target {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
            machines = machines == null ? List.of() : List.copyOf(machines);
        }
    }

    public enum Scope {
        ResourceGroup, Subscription
    }

    /**
     * Stages in order, each a number or a percentage of the target's machines; machines left over after the
     * listed stages form one more stage. A stage whose Failed machines exceed {@code maxFailurePercent} of it
     * halts the rollout (Blocked machines, refused by their local rules, are not failures).
     */
    public record Strategy(List<Stage> stages, int maxFailurePercent, Duration pauseBetweenStages) {
        public Strategy {
            stages = stages == null ? List.of() : List.copyOf(stages);
            pauseBetweenStages = pauseBetweenStages == null ? Duration.ZERO : pauseBetweenStages;
        }

        public static final Strategy ALL_AT_ONCE = new Strategy(List.of(), 100, Duration.ZERO);
    }

    /** Exactly one of {@code count} and {@code percent}. */
    public record Stage(Integer count, Double percent) {
    }
}
