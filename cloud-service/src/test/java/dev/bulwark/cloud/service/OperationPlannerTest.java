package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.row.ExtensionRow;
import dev.bulwark.model.OperationKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperationPlannerTest {

    @Test
    void aNewOrNeverInstalledExtensionIsInstalled() {
        assertThat(OperationPlanner.kindOfWrite(null, "P", "T", "1.0")).isEqualTo(OperationKind.INSTALL);
        assertThat(OperationPlanner.kindOfWrite(extension(null), "P", "T", "1.0")).isEqualTo(OperationKind.INSTALL);
    }

    @Test
    void theSameVersionIsAnUpdateAndAHigherOneAnUpgrade() {
        assertThat(OperationPlanner.kindOfWrite(extension("1.9"), "p", "t", "1.9")).isEqualTo(OperationKind.UPDATE);
        assertThat(OperationPlanner.kindOfWrite(extension("1.9"), "P", "T", "1.10")).isEqualTo(OperationKind.UPGRADE);
    }

    @Test
    void refusesADowngradeAndAChangeOfPublisherOrType() {
        assertThatThrownBy(() -> OperationPlanner.kindOfWrite(extension("2.0"), "P", "T", "1.0"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.target()).isEqualTo("properties.typeHandlerVersion"));
        assertThatThrownBy(() -> OperationPlanner.kindOfWrite(extension("1.0"), "Other", "T", "1.0"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ArmErrorCode.PropertyChangeNotAllowed));
        assertThatThrownBy(() -> OperationPlanner.kindOfWrite(extension("1.0"), "P", "Other", "1.0"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.target()).isEqualTo("properties.type"));
    }

    private static ExtensionRow extension(String installedVersion) {
        return new ExtensionRow(null, "m", "e", "local", "P", "T", installedVersion == null ? "1.0" : installedVersion,
                installedVersion, null, false, false, null, null, null, null, null, null);
    }
}
