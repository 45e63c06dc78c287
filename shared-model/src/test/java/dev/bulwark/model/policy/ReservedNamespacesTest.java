package dev.bulwark.model.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReservedNamespacesTest {
    @Test
    void everyPublisherOnTheMonitorModeListIsReserved() {
        assertThat(MonitorModeAllowlist.EXTENSIONS).allSatisfy(id ->
                assertThat(ReservedNamespaces.isReserved(id.publisher())).as(id.toString()).isTrue());
    }

    @Test
    void vendorNamespacesAndTheirChildrenAreReservedButLookAlikesAreNot() {
        assertThat(ReservedNamespaces.isReserved("Microsoft.Azure.Monitor")).isTrue();
        assertThat(ReservedNamespaces.isReserved("microsoft")).isTrue();
        assertThat(ReservedNamespaces.isReserved("Qualys")).isTrue();
        assertThat(ReservedNamespaces.isReserved("MicrosoftFan.Tools")).isFalse();
        assertThat(ReservedNamespaces.isReserved("Contoso.Monitoring")).isFalse();
    }
}
