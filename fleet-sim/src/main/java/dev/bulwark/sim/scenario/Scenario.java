package dev.bulwark.sim.scenario;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A load-test scenario, read from a JSON file ({@code examples/scenarios/}): how many machines, the shares of
 * local rule kinds among them (seeded, so every process that reads the file gives machine N the same rules),
 * the extension, and the workload (a rollout, or per-machine PUTs at a rate).
 */
public record Scenario(String name, long seed, int machines, Map<RuleClass, Integer> rules, Extension extension,
                       Workload workload) {

    /** The extension the workload installs; {@code protectedSettings} are sealed to each machine by the cloud. */
    public record Extension(String name, String publisher, String type, String version, ObjectNode settings,
                            ObjectNode protectedSettings) {
        public ExtensionId id() {
            return new ExtensionId(publisher, type);
        }
    }

    /**
     * {@code kind} rollout: one fleet-wide install with these stages ({@code {"count": n}} or {@code {"percent": p}}).
     * {@code kind} puts: one PUT per machine at {@code rate} per second, open loop, for {@code seconds}.
     */
    /**
     * A rollout ({@code stages}, {@code maxFailurePercent}, {@code pauseBetweenStages}), or per-machine PUTs
     * ({@code kind} "puts") for {@code seconds}: open loop at {@code rate} per second, or closed loop with
     * {@code inFlight} requests outstanding.
     */
    public record Workload(String kind, List<ObjectNode> stages, Integer maxFailurePercent, Duration pauseBetweenStages,
                           Double rate, Integer seconds, Integer inFlight) {
        public boolean isRollout() {
            return !"puts".equals(kind);
        }
    }

    public Scenario {
        rules = rules == null || rules.isEmpty() ? Map.of(RuleClass.noLists, 1) : new EnumMap<>(rules);
        if (rules.values().stream().anyMatch(share -> share < 0) || rules.values().stream().mapToInt(i -> i).sum() == 0) {
            throw new IllegalArgumentException("scenario '" + name + "': rule shares must be positive and not all 0");
        }
        workload = workload == null ? new Workload("rollout", List.of(), 100, Duration.ZERO, null, null, null) : workload;
    }

    public static Scenario read(Path file) throws IOException {
        try {
            return Json.MAPPER.readValue(Files.readAllBytes(file), Scenario.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + " is not a valid scenario: " + e.getOriginalMessage(), e);
        }
    }

    /** True when machine N has the same local rules under both scenarios (their workloads may differ). */
    public boolean sameRulesAs(Scenario other) {
        return seed == other.seed && rules.equals(other.rules);
    }

    public Scenario withMachines(int count) {
        return new Scenario(name, seed, count, rules, extension, workload);
    }

    /** Machine {@code index} (from 1) is named {@code sim-000001}...: the same in every process. */
    public static String machineName(int index) {
        return String.format("sim-%06d", index);
    }

    /** The rule kind of machine {@code index}: a seeded weighted draw, the same in every process that reads the file. */
    public RuleClass ruleClassOf(int index) {
        int total = rules.values().stream().mapToInt(Integer::intValue).sum();
        int draw = new SplittableRandom(seed * 1_000_003L + index).nextInt(total);
        for (Map.Entry<RuleClass, Integer> share : rules.entrySet()) {
            draw -= share.getValue();
            if (draw < 0) {
                return share.getKey();
            }
        }
        throw new IllegalStateException("unreachable: the draw is below the total");
    }
}
