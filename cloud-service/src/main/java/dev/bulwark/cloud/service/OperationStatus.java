package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.row.OperationRow;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The status ARM clients poll ({@code operationstatus/{id}}): one operation's, or for an
 * upgradeExtensions request the combination of its upgrades (in progress while any is, failed if any
 * failed, else succeeded).
 */
public record OperationStatus(UUID id, String status, Instant startTime, Instant endTime, String errorCode,
                              String errorMessage) {
    public static final String IN_PROGRESS = "InProgress";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    /** The error code of the operations that were in progress when their machine was deleted. */
    public static final String MACHINE_DELETED = "MachineDeleted";

    public static OperationStatus of(UUID id, List<OperationRow> operations) {
        Instant start = operations.stream().map(OperationRow::startTime).min(Comparator.naturalOrder()).orElse(null);
        if (operations.stream().anyMatch(o -> IN_PROGRESS.equals(o.status()))) {
            return new OperationStatus(id, IN_PROGRESS, start, null, null, null);
        }
        Instant end = operations.stream().map(OperationRow::endTime).filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
        return operations.stream().filter(o -> FAILED.equals(o.status())).findFirst()
                .map(failed -> new OperationStatus(id, FAILED, start, end,
                        failed.errorCode() != null ? failed.errorCode() : "ExtensionOperationFailed", failed.errorMessage()))
                .orElseGet(() -> new OperationStatus(id, SUCCEEDED, start, end, null, null));
    }

    public boolean done() {
        return !IN_PROGRESS.equals(status);
    }
}
