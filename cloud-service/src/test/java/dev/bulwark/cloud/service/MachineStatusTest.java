package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.entity.MachineEntity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class MachineStatusTest {
    private static final Duration SILENCE = Duration.ofMinutes(15);
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @Test
    void pendingBeforeTheFirstReportConnectedWhileReportingDisconnectedAfterFifteenSilentMinutes() {
        MachineEntity machine = new MachineEntity();
        machine.registeredAt = NOW.minusSeconds(3600);
        assertThat(MachineStatus.of(machine, NOW, SILENCE)).isEqualTo(new MachineStatus("Pending", machine.registeredAt));

        machine.lastSeenAt = NOW.minusSeconds(60);
        machine.connectedSince = NOW.minusSeconds(600);
        assertThat(MachineStatus.of(machine, NOW, SILENCE)).isEqualTo(new MachineStatus("Connected", machine.connectedSince));

        machine.lastSeenAt = NOW.minus(SILENCE).minusSeconds(1);
        assertThat(MachineStatus.of(machine, NOW, SILENCE))
                .isEqualTo(new MachineStatus("Disconnected", machine.lastSeenAt.plus(SILENCE)));
    }
}
