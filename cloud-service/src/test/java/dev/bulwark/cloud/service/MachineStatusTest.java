package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.row.MachineRow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class MachineStatusTest {
    private static final Duration SILENCE = Duration.ofMinutes(15);
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @Test
    void pendingBeforeTheFirstReportConnectedWhileReportingDisconnectedAfterFifteenSilentMinutes() {
        Instant registered = NOW.minusSeconds(3600);
        assertThat(MachineStatus.of(machine(registered, null, null), NOW, SILENCE)).isEqualTo(new MachineStatus("Pending", registered));

        Instant connectedSince = NOW.minusSeconds(600);
        assertThat(MachineStatus.of(machine(registered, NOW.minusSeconds(60), connectedSince), NOW, SILENCE))
                .isEqualTo(new MachineStatus("Connected", connectedSince));

        Instant lastSeen = NOW.minus(SILENCE).minusSeconds(1);
        assertThat(MachineStatus.of(machine(registered, lastSeen, connectedSince), NOW, SILENCE))
                .isEqualTo(new MachineStatus("Disconnected", lastSeen.plus(SILENCE)));
    }

    private static MachineRow machine(Instant registeredAt, Instant lastSeenAt, Instant connectedSince) {
        return new MachineRow("m", "s", "g", "m", "local", "k", "k", null, "{}", registeredAt, lastSeenAt, connectedSince,
                null, null, null, null);
    }
}
