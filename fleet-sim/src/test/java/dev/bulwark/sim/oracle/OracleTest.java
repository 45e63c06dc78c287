package dev.bulwark.sim.oracle;

import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.OperationKind;
import dev.bulwark.sim.scenario.RuleClass;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The oracle must catch every way a run can go wrong, one planted fault at a time. */
class OracleTest {
    private static final ExtensionId EXTENSION = ExtensionId.parse("Contoso.Monitoring/LogShipper");
    private static final Instant T = Instant.parse("2026-12-01T12:00:00Z");

    private final Map<String, Expected> expected = new LinkedHashMap<>();
    private final List<ObservedEvent> events = new ArrayList<>();

    OracleTest() {
        int i = 0;
        for (RuleClass kind : RuleClass.values()) {
            String machine = "sim-" + (++i);
            Expected outcome = Expected.of(kind.rules(EXTENSION), EXTENSION, OperationKind.INSTALL);
            expected.put(machine, outcome);
            events.add(new ObservedEvent(machine, "op-" + i, "Started", null, T));
            events.add(new ObservedEvent(machine, "op-" + i, outcome.succeeded() ? "Succeeded" : "Failed", outcome.errorCode(),
                    T.plusMillis(10 * i)));
        }
    }

    @Test
    void aCleanRunIsCleanAndEveryLatencyIsMeasured() {
        AtomicInteger measured = new AtomicInteger();

        Oracle.Verdict verdict = Oracle.check(expected, events, (accepted, finished) -> measured.incrementAndGet());

        assertThat(verdict.clean()).as(verdict.examples().toString()).isTrue();
        assertThat(verdict.correct()).isEqualTo(RuleClass.values().length);
        assertThat(measured).hasValue(RuleClass.values().length);
    }

    @Test
    void theRulesDecideAsTheDecisionTableSays() {
        assertThat(expected.values()).extracting(Expected::toString).containsExactly("Succeeded", "Succeeded",
                "Failed/ExtensionBlockedByAllowlist", "Failed/ExtensionBlockedByBlocklist", "Failed/ExtensionBlockedByAllowlist",
                "Failed/ExtensionBlockedByMonitorMode", "Failed/ExtensionManagerDisabled");
    }

    @Test
    void aPlantedWrongResultIsCaught() {
        events.set(3, new ObservedEvent("sim-2", "op-2", "Failed", "ExtensionBlockedByBlocklist", T)); // allowlisted, yet "blocked"

        Oracle.Verdict verdict = Oracle.check(expected, events, (a, b) -> { });

        assertThat(verdict.wrong()).isEqualTo(1);
        assertThat(verdict.examples()).singleElement().asString().contains("sim-2").contains("expected Succeeded");
    }

    @Test
    void aWrongErrorCodeIsWrongToo() {
        events.set(5, new ObservedEvent("sim-3", "op-3", "Failed", "ExtensionBlockedByBlocklist", T));

        assertThat(Oracle.check(expected, events, (a, b) -> { }).wrong()).isEqualTo(1);
    }

    @Test
    void aMissingOutcomeOrAMissingMachineIsLost() {
        events.remove(1);
        events.removeIf(event -> event.machine().equals("sim-7"));

        Oracle.Verdict verdict = Oracle.check(expected, events, (a, b) -> { });

        assertThat(verdict.lost()).isEqualTo(2);
        assertThat(verdict.wrong()).isZero();
    }

    @Test
    void aRepeatedOutcomeOrASecondOperationIsDuplicated() {
        events.add(events.get(1));
        events.add(new ObservedEvent("sim-4", "op-again", "Started", null, T));
        events.add(new ObservedEvent("sim-4", "op-again", "Failed", "ExtensionBlockedByBlocklist", T));

        Oracle.Verdict verdict = Oracle.check(expected, events, (a, b) -> { });

        assertThat(verdict.duplicated()).isEqualTo(2);
    }

    @Test
    void anOperationOnAMachineOutsideTheTargetIsWrong() {
        events.add(new ObservedEvent("stranger", "op-x", "Started", null, T));
        events.add(new ObservedEvent("stranger", "op-x", "Succeeded", null, T));

        assertThat(Oracle.check(expected, events, (a, b) -> { }).wrong()).isEqualTo(1);
    }
}
