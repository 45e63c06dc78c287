package dev.bulwark.sim.oracle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Checks every outcome a run produced against what each machine's own local rules demand: each target
 * machine has exactly one operation, with exactly one Started and one outcome event, and the outcome is the
 * expected one. Nothing else may appear. Independent of the cloud's own bookkeeping: it reads only the
 * activity log the API serves.
 */
public final class Oracle {
    private static final int EXAMPLES = 5;

    private Oracle() {
    }

    /**
     * @param expected each target machine (by name) and what it must report
     * @param latency  called with (accepted, finished) for every operation that has both events
     */
    public static Verdict check(Map<String, Expected> expected, List<ObservedEvent> events, BiConsumer<ObservedEvent, ObservedEvent> latency) {
        Map<String, List<ObservedEvent>> byOperation = new LinkedHashMap<>();
        events.forEach(event -> byOperation.computeIfAbsent(event.operationId(), id -> new ArrayList<>()).add(event));
        Map<String, Integer> operationsPerMachine = new HashMap<>();
        Tally tally = new Tally();
        byOperation.forEach((operationId, operationEvents) -> {
            String machine = operationEvents.get(0).machine();
            operationsPerMachine.merge(machine, 1, Integer::sum);
            List<ObservedEvent> started = operationEvents.stream().filter(ObservedEvent::started).toList();
            List<ObservedEvent> outcomes = operationEvents.stream().filter(e -> !e.started()).toList();
            Expected wanted = expected.get(machine);
            if (started.size() > 1 || outcomes.size() > 1) {
                tally.duplicated(machine + ": operation " + operationId + " has " + started.size() + " Started and "
                        + outcomes.size() + " outcome events");
            } else if (started.isEmpty() || outcomes.isEmpty()) {
                tally.lost(machine + ": operation " + operationId + (started.isEmpty() ? " has no Started event" : " has no outcome"));
            } else if (wanted == null) {
                tally.wrong(machine + ": not in the target, yet operation " + operationId + " ran");
            } else if (!wanted.matches(outcomes.get(0).status(), outcomes.get(0).errorCode())) {
                tally.wrong(machine + ": expected " + wanted + " but the activity log says " + outcomes.get(0).status()
                        + (outcomes.get(0).errorCode() == null ? "" : "/" + outcomes.get(0).errorCode()));
            } else {
                tally.correct++;
            }
            if (started.size() == 1 && outcomes.size() == 1) {
                latency.accept(started.get(0), outcomes.get(0));
            }
        });
        expected.keySet().forEach(machine -> {
            int operations = operationsPerMachine.getOrDefault(machine, 0);
            if (operations == 0) {
                tally.lost(machine + ": no operation at all");
            } else if (operations > 1) {
                tally.duplicated(machine + ": " + operations + " operations");
            }
        });
        return new Verdict(expected.size(), tally.correct, tally.wrong, tally.lost, tally.duplicated, tally.examples);
    }

    /** How the run fared: {@code examples} describe the first few problems, for people. */
    public record Verdict(int machines, int correct, int wrong, int lost, int duplicated, List<String> examples) {
        public boolean clean() {
            return wrong == 0 && lost == 0 && duplicated == 0 && correct == machines;
        }
    }

    private static final class Tally {
        int correct;
        int wrong;
        int lost;
        int duplicated;
        final List<String> examples = new ArrayList<>();

        void wrong(String example) {
            wrong++;
            note(example);
        }

        void lost(String example) {
            lost++;
            note(example);
        }

        void duplicated(String example) {
            duplicated++;
            note(example);
        }

        private void note(String example) {
            if (examples.size() < EXAMPLES) {
                examples.add(example);
            }
        }
    }
}
