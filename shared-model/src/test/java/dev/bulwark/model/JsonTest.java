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
    void aNameGivenTwiceInOneObjectIsAMalformedMessage() {
        // A signature over one value, a reader of the other: never both.
        byte[] twice = ("{\"schemaVersion\":1,\"machineId\":\"m\",\"status\":\"Failed\",\"operationId\":\"o\","
                + "\"finishedAt\":\"2026-01-01T00:00:00Z\",\"status\":\"Succeeded\"}").getBytes(StandardCharsets.UTF_8);
        byte[] nested = "{\"schemaVersion\":1,\"configuration\":{\"configMode\":\"full\",\"configMode\":\"monitor\"}}"
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Json.decode(twice, OperationResult.class, 1))
                .isInstanceOfSatisfying(MessageFormatException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.MalformedMessage))
                .hasMessageContaining("'status'");
        assertThatThrownBy(() -> Json.tree(nested)).isInstanceOf(MessageFormatException.class).hasMessageContaining("'configMode'");
        assertThatThrownBy(() -> Json.MAPPER.readTree(twice)).as("every reader, local files too").hasMessageContaining("'status'");
    }

    @Test
    void bytesThatAreNotStrictUtf8AreAMalformedMessage() {
        byte[] prefix = "{\"m\":\"a".getBytes(StandardCharsets.UTF_8);
        for (byte[] invalid : new byte[][]{{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xC0, (byte) 0x80},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}}) {
            byte[] value = new byte[prefix.length + invalid.length + 2];
            System.arraycopy(prefix, 0, value, 0, prefix.length);
            System.arraycopy(invalid, 0, value, prefix.length, invalid.length);
            value[value.length - 2] = '"';
            value[value.length - 1] = '}';

            assertThatThrownBy(() -> Json.tree(value)).as("%s", java.util.HexFormat.of().formatHex(invalid))
                    .isInstanceOfSatisfying(MessageFormatException.class,
                            e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.MalformedMessage))
                    .hasMessage("not UTF-8: the byte at offset " + prefix.length + " starts an invalid sequence");
        }
        assertThat(Json.tree("{\"m\":\"caf\u00e9 \u2713 \uD83D\uDE00\"}".getBytes(StandardCharsets.UTF_8)).path("m").textValue())
                .isEqualTo("caf\u00e9 \u2713 \uD83D\uDE00");
    }

    @Test
    void nulAtNamesWhereTheFirstNulIs() {
        assertThat(Json.nulAt(Json.tree("{\"a\":{\"b\":[\"x\",\"y\\u0000\"]}}".getBytes(StandardCharsets.UTF_8)))).isEqualTo("a.b[1]");
        assertThat(Json.nulAt(Json.tree("{\"a\":{\"b\\u0000\":1}}".getBytes(StandardCharsets.UTF_8)))).isEqualTo("a");
        assertThat(Json.nulAt(Json.tree("{\"a\":[1,{\"b\":\"\\u0001\"}]}".getBytes(StandardCharsets.UTF_8)))).isNull();
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
