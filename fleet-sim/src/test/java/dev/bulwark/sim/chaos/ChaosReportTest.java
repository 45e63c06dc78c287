package dev.bulwark.sim.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.sim.oracle.Oracle;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON object and the exit code: 0 only when nothing was lost, duplicated, wrong, unfinished or leaked. */
class ChaosReportTest {
    private static final KillSwitch.Outcome CLOUD = new KillSwitch.Outcome("cloud", 40, 42, 58, 1234, 1, 7.5, 9.0, 20.1, null);

    private static ChaosReport report(Oracle.Verdict verdict, Backlog backlog, List<KillSwitch.Outcome> kills,
                                      List<String> canary, String error) {
        return new ChaosReport(1, 100, 1, 3, 300, verdict, backlog, kills, canary, 60, 2, error);
    }

    private static Oracle.Verdict clean() {
        return new Oracle.Verdict(300, 300, 0, 0, 0, List.of());
    }

    private static Backlog empty() {
        return new Backlog(0, 0, 0, 600);
    }

    @Test
    void aCleanRunPassesAndSaysSoInItsJson() {
        ChaosReport report = report(clean(), empty(), List.of(CLOUD), List.of(), null);

        assertThat(report.exitCode()).isZero();
        JsonNode json = report.toJson();
        assertThat(json.path("operations").asLong()).isEqualTo(300);
        for (String zero : List.of("lost", "duplicated", "wrong", "notFinal", "outboxRows")) {
            assertThat(json.path(zero).isNumber()).as(zero).isTrue();
            assertThat(json.path(zero).asLong(-1)).as(zero).isZero();
        }
        assertThat(json.path("canaryFound").asBoolean(true)).isFalse();
        JsonNode kill = json.path("kills").get(0);
        assertThat(kill.path("process").asText()).isEqualTo("cloud");
        assertThat(kill.path("recoverySeconds").asDouble()).isEqualTo(7.5);
        assertThat(kill.path("backlogSeconds").asDouble()).isEqualTo(20.1);
        assertThat(json.path("passed").asBoolean()).isTrue();
    }

    @Test
    void anyProblemFailsTheRun() {
        assertThat(report(new Oracle.Verdict(300, 299, 0, 1, 0, List.of("lost")), empty(), List.of(), List.of(), null).exitCode()).isOne();
        assertThat(report(new Oracle.Verdict(300, 299, 0, 0, 1, List.of("dup")), empty(), List.of(), List.of(), null).exitCode()).isOne();
        assertThat(report(new Oracle.Verdict(300, 299, 1, 0, 0, List.of("wrong")), empty(), List.of(), List.of(), null).exitCode()).isOne();
        assertThat(report(clean(), new Backlog(0, 3, 0, 600), List.of(), List.of(), null).exitCode()).isOne();
        assertThat(report(clean(), new Backlog(2, 0, 0, 600), List.of(), List.of(), null).exitCode()).isOne();
        assertThat(report(clean(), empty(), List.of(), List.of("table outbox"), null).toJson().path("canaryFound").asBoolean()).isTrue();
        assertThat(report(clean(), empty(), List.of(), List.of("table outbox"), null).exitCode()).isOne();
        assertThat(report(clean(), empty(), List.of(), List.of(), "the workload did not finish in time").exitCode()).isOne();
        KillSwitch.Outcome gone = new KillSwitch.Outcome("kafka", 10, 12, 5, 99, 3, null, null, null, "did not come back");
        assertThat(report(clean(), empty(), List.of(gone), List.of(), null).exitCode()).isOne();
    }
}
