package dev.bulwark.cloud.service.rollout;

import dev.bulwark.cloud.repository.row.ExtensionRow;
import dev.bulwark.model.AgentConfiguration;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.OperationKind;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure parts of a rollout: stage sizes, what each machine is asked, and predictions from reported rules. */
class RolloutPlannerTest {
    private static final Instant CHANGED = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void stagesTakeCountsAndPercentagesOfTheWholeTargetAndTheRestIsOneMoreStage() {
        assertThat(RolloutPlanner.stageSizes(100, List.of(stage(1, null), stage(null, 10.0), stage(null, 50.0))))
                .containsExactly(1, 10, 50, 39);
        assertThat(RolloutPlanner.stageSizes(7, List.of(stage(null, 1.0)))).containsExactly(1, 6);
        assertThat(RolloutPlanner.stageSizes(3, List.of(stage(5, null), stage(null, 50.0)))).containsExactly(3);
        assertThat(RolloutPlanner.stageSizes(10, List.of())).containsExactly(10);
    }

    @Property
    void stagesAlwaysCoverEveryMachineExactlyOnce(@ForAll @IntRange(min = 1, max = 200_000) int total,
                                                  @ForAll @IntRange(min = 1, max = 100) int percent,
                                                  @ForAll @IntRange(min = 1, max = 500) int count) {
        List<Integer> sizes = RolloutPlanner.stageSizes(total, List.of(stage(count, null), stage(null, (double) percent)));
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
        assertThat(sizes).allMatch(size -> size > 0);
    }

    @Test
    void theThresholdHaltsOnlyAboveItsPercentage() {
        assertThat(RolloutPlanner.exceedsFailureThreshold(1, 10, 10)).isFalse();
        assertThat(RolloutPlanner.exceedsFailureThreshold(2, 10, 10)).isTrue();
        assertThat(RolloutPlanner.exceedsFailureThreshold(0, 10, 0)).isFalse();
        assertThat(RolloutPlanner.exceedsFailureThreshold(1, 10, 0)).isTrue();
        assertThat(RolloutPlanner.exceedsFailureThreshold(10, 10, 100)).isFalse();
    }

    @Test
    void eachMachineIsAskedWhatASinglePutUpgradeOrDeleteWouldAskIt() {
        RolloutPlanner install = planner(OperationKind.INSTALL, "2.0");
        assertThat(install.plan(null).kind()).isEqualTo(OperationKind.INSTALL);
        assertThat(install.plan(extension("1.0", "1.0")).kind()).isEqualTo(OperationKind.UPGRADE);
        assertThat(install.plan(extension("2.0", "2.0")).kind()).isEqualTo(OperationKind.UPDATE);
        assertThat(install.plan(extension("2.0", null)).kind()).isEqualTo(OperationKind.INSTALL);
        assertThat(install.plan(extension("3.0", "3.0")).skipReason()).isEqualTo("DowngradeNotAllowed");
        assertThat(install.plan(new ExtensionRow(null, "m", "logs", "l", "Other", "Type", "1.0", "1.0", null, false, false, null,
                null, null, null, null, null)).skipReason()).isEqualTo("PropertyChangeNotAllowed");

        RolloutPlanner upgrade = planner(OperationKind.UPGRADE, "2.0");
        assertThat(upgrade.plan(null).skipReason()).isEqualTo("ExtensionNotFound");
        assertThat(upgrade.plan(extension("2.0", "2.0")).skipReason()).isEqualTo("AlreadyAtVersion");
        assertThat(upgrade.plan(extension("1.0", "1.0")).kind()).isEqualTo(OperationKind.UPGRADE);

        RolloutPlanner update = planner(OperationKind.UPDATE, null);
        assertThat(update.plan(extension("1.5", "1.5")).kind()).isEqualTo(OperationKind.UPDATE);
        assertThat(update.versionFor(extension("1.5", "1.5"))).isEqualTo("1.5");
        assertThat(update.plan(extension("1.5", null)).skipReason()).isEqualTo("NotInstalled");

        assertThat(planner(OperationKind.DELETE, null).plan(extension("1.0", "1.0")).kind()).isEqualTo(OperationKind.DELETE);
        assertThat(planner(OperationKind.DELETE, null).plan(null).skipReason()).isEqualTo("ExtensionNotFound");
    }

    @Test
    void predictionsComeFromTheReportedRulesWithTheAgentsPolicy() {
        RolloutPlanner planner = planner(OperationKind.INSTALL, "1.0");
        RolloutPlanner.Plan install = planner.plan(null);

        assertThat(planner.predict(install, rules(List.of(), List.of(), "full", true, null), CHANGED))
                .isEqualTo(new RolloutPlanner.Prediction("Succeeded", null, "no-lists", CHANGED));
        assertThat(planner.predict(install, rules(List.of(), List.of("contoso.monitoring/logshipper"), "full", true, null), CHANGED))
                .isEqualTo(new RolloutPlanner.Prediction("Blocked", "ExtensionBlockedByBlocklist", "blocklist", CHANGED));
        assertThat(planner.predict(install, rules(List.of("Allow/None"), List.of(), "full", true, null), CHANGED).rule())
                .isEqualTo("allow-none");
        assertThat(planner.predict(install, rules(List.of(), List.of(), "monitor", true, null), CHANGED).errorCode())
                .isEqualTo("ExtensionBlockedByMonitorMode");
        assertThat(planner.predict(install, rules(List.of(), List.of(), "full", false, null), CHANGED).errorCode())
                .isEqualTo("ExtensionManagerDisabled");
        assertThat(planner.predict(install, rules(List.of(), List.of(), "full", true, "broken"), CHANGED))
                .isEqualTo(new RolloutPlanner.Prediction("Failed", "LocalConfigurationInvalid", "invalid-config", CHANGED));
        assertThat(planner.predict(install, null, null).state()).isEqualTo("Unknown");
        assertThat(planner.predict(RolloutPlanner.Plan.skip(SkipReason.AlreadyAtVersion), null, null))
                .isEqualTo(new RolloutPlanner.Prediction("Skipped", "AlreadyAtVersion", null, null));
    }

    @Test
    void aResultsDecisionIsItsPolicyRefusalOrAllowed() {
        assertThat(RolloutPlanner.decisionOf("ExtensionBlockedByAllowlist")).isEqualTo("ExtensionBlockedByAllowlist");
        assertThat(RolloutPlanner.decisionOf("LocalConfigurationInvalid")).isEqualTo("LocalConfigurationInvalid");
        assertThat(RolloutPlanner.decisionOf("ExtensionHandlerFailed")).isEmpty();
        assertThat(RolloutPlanner.decisionOf(null)).isEmpty();
    }

    private static String rules(List<String> allow, List<String> block, String mode, boolean enabled, String error) {
        return ReportedRules.canonical(new AgentConfiguration(allow.stream().map(ExtensionId::parse).toList(),
                block.stream().map(ExtensionId::parse).toList(), enabled, true, mode, true, List.of(), "", List.of(), error, CHANGED));
    }

    private static RolloutPlanner planner(OperationKind operation, String version) {
        return new RolloutPlanner(new RolloutDefinition(operation, "logs", "Contoso.Monitoring", "LogShipper", version, null,
                false, false, null, new RolloutDefinition.Target(RolloutDefinition.Scope.ResourceGroup, null, null),
                RolloutDefinition.Strategy.ALL_AT_ONCE));
    }

    private static ExtensionRow extension(String version, String installed) {
        return new ExtensionRow(null, "m", "logs", "l", "Contoso.Monitoring", "LogShipper", version, installed, null, false,
                false, null, null, null, null, null, null);
    }

    private static RolloutDefinition.Stage stage(Integer count, Double percent) {
        return new RolloutDefinition.Stage(count, percent);
    }
}
