package dev.bulwark.agent.host;

import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.ExtensionSpec;
import dev.bulwark.model.OperationKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules an operation must pass before anything is decided: newer than the last run, and issued within the window. */
class ReplayGuardTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final ReplayGuard GUARD = new ReplayGuard(Duration.ofHours(24), Duration.ofMinutes(5));

    @Test
    void onlyASequenceNewerThanTheHighestRunPasses() {
        for (long highestRun : new long[]{0, 1, 2, 31, 32, 33, Long.MAX_VALUE - 1}) {
            for (long sequence : new long[]{1, 2, 3, 32, 33, 34, Long.MAX_VALUE}) {
                ReplayGuard.Refusal refusal = GUARD.check(operation(sequence, NOW), highestRun, NOW);

                if (sequence > highestRun) {
                    assertThat(refusal).as("%d after %d", sequence, highestRun).isNull();
                } else {
                    assertThat(refusal.errorCode()).as("%d after %d", sequence, highestRun).isEqualTo(ErrorCode.OperationReplayed);
                    assertThat(refusal.message()).contains("sequence " + sequence).contains("not newer than " + highestRun)
                            .contains("op-" + sequence);
                }
            }
        }
    }

    @Test
    void anOperationOlderThanTheMaximumAgeExpires() {
        assertThat(GUARD.check(operation(5, NOW.minus(Duration.ofHours(24))), 4, NOW)).as("exactly at the limit").isNull();

        ReplayGuard.Refusal expired = GUARD.check(operation(5, NOW.minus(Duration.ofHours(24)).minusMillis(1)), 4, NOW);

        assertThat(expired.errorCode()).isEqualTo(ErrorCode.OperationExpired);
        assertThat(expired.message()).contains("PT24H").contains("bulwark.agent.operation-max-age");
    }

    @Test
    void anOperationFromTooFarInTheFutureIsNotYetValid() {
        assertThat(GUARD.check(operation(5, NOW.plus(Duration.ofMinutes(5))), 4, NOW)).as("within the skew").isNull();

        ReplayGuard.Refusal future = GUARD.check(operation(5, NOW.plus(Duration.ofMinutes(5)).plusMillis(1)), 4, NOW);

        assertThat(future.errorCode()).isEqualTo(ErrorCode.OperationNotYetValid);
        assertThat(future.message()).contains("clocks");
    }

    @Test
    void aReplayIsNamedAsSuchEvenWhenItIsAlsoStale() {
        ReplayGuard.Refusal refusal = GUARD.check(operation(3, NOW.minus(Duration.ofDays(30))), 9, NOW);

        assertThat(refusal.errorCode()).isEqualTo(ErrorCode.OperationReplayed);
    }

    @Test
    void theWindowMustBePositive() {
        assertThatThrownBy(() -> new ReplayGuard(Duration.ZERO, Duration.ofMinutes(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplayGuard(Duration.ofHours(1), Duration.ofMinutes(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    private static ExtensionOperation operation(long sequence, Instant issuedAt) {
        return new ExtensionOperation(ExtensionOperation.SCHEMA_VERSION, "op-" + sequence, "corr", "machine", sequence,
                OperationKind.UPDATE, new ExtensionSpec("agent", "Contoso", "Agent", "1.0", null, null), null, null,
                issuedAt, null);
    }
}
