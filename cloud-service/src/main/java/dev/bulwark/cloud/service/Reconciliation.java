package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.ExtensionRepository;
import dev.bulwark.model.InstalledExtension;
import dev.bulwark.model.OperationKind;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether an agent report shows an extension removed locally that the cloud still expects
 * installed, so the cloud reinstalls it (Arc: "it will be reinstalled the next time the extension manager
 * syncs"). Every guard here is against loops and storms: only a settled success counts as expected
 * (Failed stays Failed until a new PUT, so a reinstall blocked by local rules is not retried forever),
 * nothing is issued while an operation is in flight, and only a report sent after the extension last
 * changed can say it is missing (a report sent before an install finished never lists it).
 */
public final class Reconciliation {
    private Reconciliation() {
    }

    /** What the cloud knows of one extension: its state, its latest operation and when either last changed. */
    public record Expected(String name, String provisioningState, OperationKind lastKind, String lastStatus,
                           Instant lastOperationEnd, Instant updatedAt) {
    }

    public static boolean needsReinstall(Expected expected, Set<String> reportedNameKeys, Instant reportSentAt) {
        if (!ProvisioningState.SUCCEEDED.equals(expected.provisioningState())
                || !OperationStatus.SUCCEEDED.equals(expected.lastStatus())
                || expected.lastKind() == OperationKind.DELETE
                || expected.lastOperationEnd() == null) {
            return false;
        }
        if (reportedNameKeys.contains(ExtensionRepository.nameKey(expected.name()))) {
            return false;
        }
        Instant lastChange = expected.updatedAt() != null && expected.updatedAt().isAfter(expected.lastOperationEnd())
                ? expected.updatedAt() : expected.lastOperationEnd();
        return reportSentAt.isAfter(lastChange);
    }

    /** The report's extensions as name keys (ARM names are case-insensitive). */
    public static Set<String> nameKeys(List<InstalledExtension> installed) {
        return installed.stream().map(InstalledExtension::name).filter(name -> name != null)
                .map(ExtensionRepository::nameKey).collect(Collectors.toSet());
    }
}
