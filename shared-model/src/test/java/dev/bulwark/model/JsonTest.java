package dev.bulwark.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void garbageIsAMalformedMessage() {
        assertThatThrownBy(() -> Json.decode("not json{".getBytes(StandardCharsets.UTF_8), OperationResult.class, 1))
                .isInstanceOfSatisfying(MessageFormatException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.MalformedMessage));
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        byte[] noMachine = "{\"schemaVersion\":1,\"operationId\":\"o\",\"status\":\"Failed\",\"finishedAt\":\"2026-01-01T00:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Json.decode(noMachine, OperationResult.class, 1))
                .isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("machineId");
    }

    @Test
    void anUnknownSchemaVersionIsRefusedWithItsOwnReason() {
        byte[] future = "{\"schemaVersion\":2,\"machineId\":\"m\",\"sentAt\":\"2026-01-01T00:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Json.decode(future, AgentReport.class, AgentReport.SCHEMA_VERSION))
                .isInstanceOfSatisfying(MessageFormatException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.UnsupportedSchemaVersion));
    }

    @Test
    void extensionIdsMatchIgnoringCaseAndRejectEntriesWithoutExactlyOneSlash() {
        assertThat(ExtensionId.parse(" microsoft.azure.monitor/AzureMonitorLinuxAgent "))
                .isEqualTo(ExtensionId.parse("Microsoft.Azure.Monitor/azuremonitorlinuxagent"));
        assertThatThrownBy(() -> ExtensionId.parse("Microsoft.Azure.Automation.HybridWorkerForLinux"))
                .hasMessageContaining("'Microsoft.Azure.Automation.HybridWorkerForLinux'");
        assertThatThrownBy(() -> ExtensionId.parse("a/b/c")).hasMessageContaining("'a/b/c'");
    }
}
