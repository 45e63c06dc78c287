package dev.bulwark.sim.scenario;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Scenario files are the shared truth of fleet processes and the oracle: reproducible, and true to their shares. */
class ScenarioTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("bulwark.root", "..")).resolve("examples/scenarios");

    @Test
    void theSameFileGivesEveryMachineTheSameRulesInEveryProcess() throws Exception {
        Scenario first = Scenario.read(EXAMPLES.resolve("mixed-rules.json"));
        Scenario second = Scenario.read(EXAMPLES.resolve("mixed-rules.json"));

        for (int machine = 1; machine <= 5_000; machine++) {
            assertThat(second.ruleClassOf(machine)).isEqualTo(first.ruleClassOf(machine));
        }
    }

    @Test
    void sharesHoldOverALargeFleet() throws Exception {
        Scenario scenario = Scenario.read(EXAMPLES.resolve("mixed-rules.json"));
        int machines = 100_000;
        Map<RuleClass, Integer> counts = new EnumMap<>(RuleClass.class);
        for (int machine = 1; machine <= machines; machine++) {
            counts.merge(scenario.ruleClassOf(machine), 1, Integer::sum);
        }
        int total = scenario.rules().values().stream().mapToInt(Integer::intValue).sum();

        scenario.rules().forEach((kind, share) -> assertThat(counts.getOrDefault(kind, 0) / (double) machines)
                .as(kind.name()).isCloseTo(share / (double) total, within(0.01)));
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(scenario.rules().keySet());
    }

    @Test
    void everyExampleScenarioReads() throws Exception {
        try (var files = java.nio.file.Files.list(EXAMPLES)) {
            for (Path file : files.toList()) {
                Scenario scenario = Scenario.read(file);
                assertThat(scenario.extension()).as(file.toString()).isNotNull();
                assertThat(scenario.machines()).as(file.toString()).isPositive();
            }
        }
    }
}
