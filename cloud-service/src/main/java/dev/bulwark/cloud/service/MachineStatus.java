package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.row.MachineRow;

import java.time.Duration;
import java.time.Instant;

/**
 * A machine's connection status as Arc shows it: Pending until its first report, Connected while reports
 * arrive, Disconnected after {@code disconnectedAfter} of silence. Computed when read, so a silent fleet
 * costs no background work.
 */
public record MachineStatus(String status, Instant lastStatusChange) {
    public static final String PENDING = "Pending";
    public static final String CONNECTED = "Connected";
    public static final String DISCONNECTED = "Disconnected";

    public static MachineStatus of(MachineRow machine, Instant now, Duration disconnectedAfter) {
        if (machine.lastSeenAt() == null) {
            return new MachineStatus(PENDING, machine.registeredAt());
        }
        Instant silentFrom = machine.lastSeenAt().plus(disconnectedAfter);
        if (now.isBefore(silentFrom)) {
            return new MachineStatus(CONNECTED, machine.connectedSince() != null ? machine.connectedSince() : machine.lastSeenAt());
        }
        return new MachineStatus(DISCONNECTED, silentFrom);
    }
}
