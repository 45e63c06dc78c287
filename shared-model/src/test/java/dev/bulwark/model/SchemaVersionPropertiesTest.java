package dev.bulwark.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Positive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The compatibility rule of {@link Json#checkSchemaVersion}, on every message type (their docs/messages examples):
 * 1 up to the supported version is read, unknown fields ignored; above it is {@code UnsupportedSchemaVersion};
 * missing, zero, negative or not a whole number is {@code MalformedMessage}.
 */
class SchemaVersionPropertiesTest {

    /** A message type, its supported version and its example on the wire. */
    record MessageType(String example, Class<?> type, int supported) {
        ObjectNode exampleTree() {
            try {
                return (ObjectNode) Json.tree(Files.readAllBytes(
                        Path.of(System.getProperty("bulwark.docs.dir", "../docs"), "messages", example)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return type.getSimpleName() + " v" + supported;
        }
    }

    private static final List<MessageType> TYPES = List.of(
            new MessageType("extension-operation.json", ExtensionOperation.class, ExtensionOperation.SCHEMA_VERSION),
            new MessageType("extension-result.json", OperationResult.class, OperationResult.SCHEMA_VERSION),
            new MessageType("agent-report.json", AgentReport.class, AgentReport.SCHEMA_VERSION),
            new MessageType("guest-assignment.json", GuestAssignment.class, GuestAssignment.SCHEMA_VERSION),
            new MessageType("guest-compliance.json", GuestComplianceReport.class, GuestComplianceReport.SCHEMA_VERSION));

    @Provide
    Arbitrary<MessageType> messageTypes() {
        return Arbitraries.of(TYPES);
    }

    @Property
    void everyVersionFromOneToTheSupportedOneIsReadWithUnknownFieldsIgnored(@ForAll("messageTypes") MessageType message,
                                                                             @ForAll @IntRange(min = 1, max = 64) int version,
                                                                             @ForAll("fieldNames") String unknownField) {
        // A receiver that supports `supported`, reading a sender of `version`: only older-or-equal senders.
        int supported = Math.max(version, message.supported());
        ObjectNode tree = message.exampleTree();
        tree.put("schemaVersion", version);
        tree.put(unknownField, "a field a sender of another version may add");

        Object decoded = Json.decodeTree(tree, message.type(), supported);

        assertThat(decoded).isInstanceOf(message.type());
        assertThat(Json.tree(Json.encode(decoded)).get("schemaVersion").intValue()).as("read as sent").isEqualTo(version);
    }

    @Property
    void everyVersionAboveTheSupportedOneIsUnsupported(@ForAll("messageTypes") MessageType message,
                                                       @ForAll @Positive int above) {
        long version = (long) message.supported() + above; // up to beyond Integer.MAX_VALUE

        assertRefused(message, tree -> tree.put("schemaVersion", version), DeadLetter.Reason.UnsupportedSchemaVersion);
    }

    @Property
    void zeroAndNegativeVersionsAreMalformed(@ForAll("messageTypes") MessageType message,
                                             @ForAll @IntRange(min = Integer.MIN_VALUE, max = 0) int version) {
        assertRefused(message, tree -> tree.put("schemaVersion", version), DeadLetter.Reason.MalformedMessage);
    }

    @Example
    void theBoundariesOfEachType() {
        for (MessageType message : TYPES) {
            int supported = message.supported();
            assertThat(Json.decodeTree(with(message, supported), message.type(), supported)).isNotNull();
            assertThat(Json.decodeTree(with(message, 1), message.type(), supported)).isNotNull();
            assertRefused(message, tree -> tree.put("schemaVersion", supported + 1), DeadLetter.Reason.UnsupportedSchemaVersion);
            assertRefused(message, tree -> tree.put("schemaVersion", 0), DeadLetter.Reason.MalformedMessage);
            assertRefused(message, tree -> tree.put("schemaVersion", -1), DeadLetter.Reason.MalformedMessage);
        }
    }

    @Example
    void aVersionThatIsNotAWholeNumberOrIsMissingIsMalformed() {
        MessageType result = TYPES.get(1);
        assertRefused(result, tree -> tree.remove("schemaVersion"), DeadLetter.Reason.MalformedMessage);
        assertRefused(result, tree -> tree.putNull("schemaVersion"), DeadLetter.Reason.MalformedMessage);
        assertRefused(result, tree -> tree.put("schemaVersion", "1"), DeadLetter.Reason.MalformedMessage);
        assertRefused(result, tree -> tree.put("schemaVersion", 1.5), DeadLetter.Reason.MalformedMessage);
        assertRefused(result, tree -> tree.put("schemaVersion", true), DeadLetter.Reason.MalformedMessage);
        assertRefused(result, tree -> tree.put("schemaVersion", new BigInteger("-99999999999999999999")),
                DeadLetter.Reason.MalformedMessage);
        assertRefused(result, tree -> tree.put("schemaVersion", new BigInteger("99999999999999999999")),
                DeadLetter.Reason.UnsupportedSchemaVersion);
    }

    @Provide
    Arbitrary<String> fieldNames() {
        return Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12).map(name -> "future" + name);
    }

    private static ObjectNode with(MessageType message, int version) {
        ObjectNode tree = message.exampleTree();
        tree.put("schemaVersion", version);
        return tree;
    }

    private static void assertRefused(MessageType message, Consumer<ObjectNode> change, DeadLetter.Reason reason) {
        ObjectNode tree = message.exampleTree();
        change.accept(tree);
        assertThatThrownBy(() -> Json.decodeTree(tree, message.type(), message.supported()))
                .isInstanceOfSatisfying(MessageFormatException.class, e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }
}
