package dev.bulwark.cloud.service;

import dev.bulwark.model.InstalledExtension;
import dev.bulwark.model.OperationKind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ReconciliationTest {
    private static final Instant END = Instant.parse("2025-01-01T10:00:00Z");
    private static final Instant LATER = END.plusSeconds(60);

    private static Reconciliation.Expected installed(OperationKind kind) {
        return new Reconciliation.Expected("Logs", ProvisioningState.SUCCEEDED, kind, OperationStatus.SUCCEEDED, END, END);
    }

    @Test
    void anExpectedExtensionMissingFromALaterReportIsReinstalled() {
        assertThat(Reconciliation.needsReinstall(installed(OperationKind.INSTALL), Set.of(), LATER)).isTrue();
        assertThat(Reconciliation.needsReinstall(installed(OperationKind.UPGRADE), Set.of("other"), LATER)).isTrue();
        assertThat(Reconciliation.needsReinstall(installed(OperationKind.UPDATE), Set.of(), LATER)).isTrue();
    }

    @Test
    void aReportListingTheExtensionInAnyCaseChangesNothing() {
        Set<String> reported = Reconciliation.nameKeys(List.of(new InstalledExtension("LOGS", "p", "t", "1.0", "Enabled")));
        assertThat(Reconciliation.needsReinstall(installed(OperationKind.INSTALL), reported, LATER)).isFalse();
    }

    @Test
    void aReportSentBeforeTheLastChangeCannotSayTheExtensionIsMissing() {
        assertThat(Reconciliation.needsReinstall(installed(OperationKind.INSTALL), Set.of(), END)).isFalse();
        assertThat(Reconciliation.needsReinstall(installed(OperationKind.INSTALL), Set.of(), END.minusSeconds(1))).isFalse();
        var touchedLater = new Reconciliation.Expected("Logs", ProvisioningState.SUCCEEDED, OperationKind.INSTALL,
                OperationStatus.SUCCEEDED, END, LATER);
        assertThat(Reconciliation.needsReinstall(touchedLater, Set.of(), LATER)).isFalse();
    }

    @Test
    void nothingIsReinstalledWhileInFlightAfterAFailureOrAfterADelete() {
        var inFlight = new Reconciliation.Expected("Logs", ProvisioningState.CREATING, OperationKind.INSTALL,
                OperationStatus.IN_PROGRESS, null, END);
        var failed = new Reconciliation.Expected("Logs", ProvisioningState.FAILED, OperationKind.INSTALL,
                OperationStatus.FAILED, END, END);
        var deleted = new Reconciliation.Expected("Logs", ProvisioningState.SUCCEEDED, OperationKind.DELETE,
                OperationStatus.SUCCEEDED, END, END);
        var notEnded = new Reconciliation.Expected("Logs", ProvisioningState.SUCCEEDED, OperationKind.INSTALL,
                OperationStatus.SUCCEEDED, null, END);
        for (var expected : List.of(inFlight, failed, deleted, notEnded)) {
            assertThat(Reconciliation.needsReinstall(expected, Set.of(), LATER)).as(expected.toString()).isFalse();
        }
    }
}
