package dev.bulwark.agent.host;

import dev.bulwark.agent.testing.FleetHarness;
import dev.bulwark.agent.testing.TestCloud;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.ExtensionSpec;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.GuestAssignment.RuleKind;
import dev.bulwark.model.GuestComplianceReport;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.MessageSigner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Poison records on the two topics an agent consumes, one case per kind, each followed by a good record for the
 * same machine (same partition, so behind the poison): the poison is dead-lettered with its reason, or accepted
 * because it is harmless, and the good record completes in every case.
 *
 * <p>Operations: not JSON, another message (a guest assignment: no batch signature), an unknown schemaVersion, a
 * signed operation missing its extension's publisher and type, a NUL in a signed text, bytes that are not UTF-8
 * or are overlong UTF-8, a field named twice, and an issuedAt far in the future or the past ({@link ReplayGuard}:
 * OperationRefused with OperationNotYetValid or OperationExpired, answered with a signed Failed result).
 * Guest assignments: the same, except that an assignment is kept state, not a command: one issued long ago is
 * still evaluated (harmless: a newer one of the same name replaces it), one issued in the future is refused
 * (kept, it would make every later version of its name look older, so never evaluated).
 *
 * <p>Every poison carries a header of its sender's ({@value #SENDER_HEADER}), which its dead letter keeps. A
 * poison as large as Kafka takes is dead-lettered without its value, which no longer fits with the headers.
 */
class PoisonKafkaTest {
    private static final String OPERATIONS = "poison-0001";
    private static final String ASSIGNMENTS = "poison-0002";
    private static final Instant FAR_FUTURE = Instant.parse("9999-12-31T23:59:59Z");
    private static final Instant NEGATIVE = Instant.ofEpochSecond(-1);
    /** A header the sender put on the record: the dead letter keeps it, as the cloud's do. */
    private static final String SENDER_HEADER = "x-poison-case";

    private static FleetHarness fleet;

    enum Poison {
        NOT_JSON, OTHER_MESSAGE, UNSUPPORTED_VERSION, MISSING_FIELDS, NUL_IN_TEXT, INVALID_UTF8, OVERLONG_UTF8,
        DUPLICATE_KEY, FAR_FUTURE_TIME, MAX_TIME, NEGATIVE_TIME, MIN_TIME
    }

    /** A dead letter's reason (and error code, for a refusal), or null: accepted. */
    private record Expected(String reason, String errorCode) {
        static final Expected ACCEPTED = new Expected(null, null);
    }

    @BeforeAll
    static void startFleet() throws IOException {
        fleet = FleetHarness.connect("poison", 2);
        fleet.start(settings -> { });
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    // ---------------------------------------------------------------- bulwark.extension-operations

    @ParameterizedTest
    @EnumSource(Poison.class)
    void extensionOperations(Poison poison) {
        String machineId = TestCloud.machineId(OPERATIONS);
        ExtensionOperation template = fleet.cloud.operation(OPERATIONS, OperationKind.INSTALL, "poisoned-" + poison.ordinal(),
                "Contoso.Poison", "Agent", "1.0", null, null);
        Expected expected = switch (poison) {
            case OTHER_MESSAGE -> new Expected("SignatureInvalid", null);
            case UNSUPPORTED_VERSION -> new Expected("UnsupportedSchemaVersion", null);
            case FAR_FUTURE_TIME, MAX_TIME -> new Expected("OperationRefused", "OperationNotYetValid");
            case NEGATIVE_TIME, MIN_TIME -> new Expected("OperationRefused", "OperationExpired");
            default -> new Expected("MalformedMessage", null);
        };
        byte[] value = switch (poison) {
            case NOT_JSON -> ("not json " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
            case OTHER_MESSAGE -> Json.encode(assignment(OPERATIONS, "audit", Instant.now()));
            case UNSUPPORTED_VERSION -> Json.encode(fleet.cloud.sign(new ExtensionOperation(99, template.operationId(),
                    template.correlationId(), machineId, template.sequence(), template.kind(), template.extension(),
                    template.packageRef(), template.catalog(), template.issuedAt(), null)));
            case MISSING_FIELDS -> Json.encode(fleet.cloud.sign(withExtension(template,
                    new ExtensionSpec(template.extension().name(), null, null, "1.0", null, null))));
            case NUL_IN_TEXT -> Json.encode(fleet.cloud.sign(withExtension(template, new ExtensionSpec("poisoned\u0000name",
                    "Contoso.Poison", "Agent", "1.0", null, null))));
            case INVALID_UTF8 -> withBytes(Json.encode(template), template.correlationId(), new byte[]{(byte) 0xFF, (byte) 0xFE});
            case OVERLONG_UTF8 -> withBytes(Json.encode(template), template.correlationId(), new byte[]{(byte) 0xC0, (byte) 0x80});
            // The batch signature covers the last "kind" (what Jackson keeps); a reader keeping the first would delete.
            case DUPLICATE_KEY -> ("{\"kind\":\"DELETE\"," + new String(Json.encode(template), StandardCharsets.UTF_8).substring(1))
                    .getBytes(StandardCharsets.UTF_8);
            case FAR_FUTURE_TIME -> Json.encode(fleet.cloud.copy(template, fleet.cloud.nextSequence(machineId), FAR_FUTURE));
            case MAX_TIME -> Json.encode(fleet.cloud.copy(template, fleet.cloud.nextSequence(machineId), Instant.MAX));
            case NEGATIVE_TIME -> Json.encode(fleet.cloud.copy(template, fleet.cloud.nextSequence(machineId), NEGATIVE));
            case MIN_TIME -> Json.encode(fleet.cloud.copy(template, fleet.cloud.nextSequence(machineId), Instant.MIN));
        };
        ExtensionOperation good = fleet.cloud.operation(OPERATIONS, OperationKind.INSTALL, "good-" + poison.ordinal(),
                "Contoso.Poison", "Agent", "1.0", null, null);

        RecordMetadata sent = fleet.sendTo(Topics.EXTENSION_OPERATIONS, partitionOf(machineId), machineId, value,
                senderHeaders(poison));
        fleet.send(good);

        assertThat(fleet.awaitResult(good).status()).isEqualTo(ResultStatus.Succeeded);
        ConsumerRecord<byte[], byte[]> letter = awaitDeadLetter(Topics.EXTENSION_OPERATIONS, machineId, sent);
        assertThat(header(letter, DeadLetter.REASON)).as(header(letter, DeadLetter.DETAIL)).isEqualTo(expected.reason());
        assertThat(letter.value()).isEqualTo(value);
        assertThat(header(letter, SENDER_HEADER)).as("the source record's headers are kept").isEqualTo(poison.name());
        if (expected.errorCode() != null) {
            assertThat(header(letter, DeadLetter.ERROR_CODE)).isEqualTo(expected.errorCode());
            // A refused operation is answered, so that the cloud never waits for it.
            String refusedId = Json.tree(value).path("operationId").asText();
            OperationResult answer = fleet.awaitResult(new ExtensionOperation(ExtensionOperation.SCHEMA_VERSION, refusedId, null,
                    machineId, 1, OperationKind.INSTALL, template.extension(), null, null, Instant.now(), null));
            assertThat(answer.status()).isEqualTo(ResultStatus.Failed);
            assertThat(answer.errorCode()).isEqualTo(expected.errorCode());
        } else {
            assertThat(fleet.records(Topics.EXTENSION_RESULTS, machineId)).as("nothing ran for the poison")
                    .noneMatch(r -> Json.tree(r.value()).path("operationId").asText().equals(template.operationId()));
        }
    }

    @Test
    void aPoisonTooLargeToCopyWithTheDeadLetterHeadersIsDeadLetteredWithoutItsValue() throws Exception {
        String machineId = TestCloud.machineId(OPERATIONS);
        ExtensionOperation good = fleet.cloud.operation(OPERATIONS, OperationKind.INSTALL, "after-the-largest",
                "Contoso.Poison", "Agent", "1.0", null, null);

        RecordMetadata sent = sendLargest(Topics.EXTENSION_OPERATIONS, machineId);
        fleet.send(good);

        assertThat(fleet.awaitResult(good).status()).as("the machine goes on").isEqualTo(ResultStatus.Succeeded);
        ConsumerRecord<byte[], byte[]> letter = awaitDeadLetter(Topics.EXTENSION_OPERATIONS, machineId, sent);
        assertThat(header(letter, DeadLetter.REASON)).isEqualTo("MalformedMessage");
        assertThat(letter.value()).as("too large to copy with the dead-letter headers").isNull();
        assertThat(header(letter, DeadLetter.DETAIL)).contains("machineId is missing")
                .contains("the value, " + sent.serializedValueSize() + " bytes, is left out");
    }

    // ---------------------------------------------------------------- bulwark.guest-assignments

    @ParameterizedTest
    @EnumSource(Poison.class)
    void guestAssignments(Poison poison) {
        String machineId = TestCloud.machineId(ASSIGNMENTS);
        // Poison and good record name the same assignment: an accepted poison must not hide the version after it.
        String name = "baseline-" + poison.ordinal();
        GuestAssignment template = assignment(ASSIGNMENTS, name, Instant.now());
        Expected expected = switch (poison) {
            case OTHER_MESSAGE -> new Expected("SignatureInvalid", null);
            case UNSUPPORTED_VERSION -> new Expected("UnsupportedSchemaVersion", null);
            case FAR_FUTURE_TIME, MAX_TIME -> new Expected("OperationRefused", "OperationNotYetValid");
            // Kept state, not a command: an old assignment is evaluated; the newer one of its name replaces it.
            case NEGATIVE_TIME, MIN_TIME -> Expected.ACCEPTED;
            default -> new Expected("MalformedMessage", null);
        };
        GuestAssignment poisoned = switch (poison) {
            case UNSUPPORTED_VERSION -> fleet.cloud.sign(new GuestAssignment(99, template.assignmentId(), machineId, name,
                    template.rules(), false, template.issuedAt(), null));
            case MISSING_FIELDS -> fleet.cloud.sign(new GuestAssignment(GuestAssignment.SCHEMA_VERSION, " ", machineId, name,
                    template.rules(), false, template.issuedAt(), null));
            case NUL_IN_TEXT -> fleet.cloud.sign(new GuestAssignment(GuestAssignment.SCHEMA_VERSION, template.assignmentId(),
                    machineId, name, List.of(new GuestAssignment.Rule("r", RuleKind.FileContains, "/etc/hostname", "a\u0000b")),
                    false, template.issuedAt(), null));
            case FAR_FUTURE_TIME -> assignment(ASSIGNMENTS, name, FAR_FUTURE);
            case MAX_TIME -> assignment(ASSIGNMENTS, name, Instant.MAX);
            case NEGATIVE_TIME -> assignment(ASSIGNMENTS, name, NEGATIVE);
            case MIN_TIME -> assignment(ASSIGNMENTS, name, Instant.MIN);
            default -> template;
        };
        byte[] value = switch (poison) {
            case NOT_JSON -> ("not json " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
            case OTHER_MESSAGE -> Json.encode(fleet.cloud.operation(ASSIGNMENTS, OperationKind.INSTALL, "Contoso.Poison/Agent"));
            case INVALID_UTF8 -> withBytes(Json.encode(template), template.assignmentId(), new byte[]{(byte) 0xFF, (byte) 0xFE});
            case OVERLONG_UTF8 -> withBytes(Json.encode(template), template.assignmentId(), new byte[]{(byte) 0xC0, (byte) 0x80});
            // The signature covers the last "removed" (false); a reader keeping the first would withdraw the assignment.
            case DUPLICATE_KEY -> ("{\"removed\":true," + new String(Json.encode(template), StandardCharsets.UTF_8).substring(1))
                    .getBytes(StandardCharsets.UTF_8);
            default -> Json.encode(poisoned);
        };
        GuestAssignment good = assignment(ASSIGNMENTS, name, Instant.now().plusMillis(1));

        RecordMetadata sent = fleet.sendTo(Topics.GUEST_ASSIGNMENTS, partitionOf(machineId), machineId, value,
                senderHeaders(poison));
        if (expected.reason() == null) {
            assertThat(awaitReport(poisoned).complianceStatus()).as("the old assignment is evaluated").isEqualTo("Compliant");
        }
        fleet.send(Topics.GUEST_ASSIGNMENTS, machineId, Json.encode(good));

        assertThat(awaitReport(good).complianceStatus()).isEqualTo("Compliant");
        if (expected.reason() != null) {
            ConsumerRecord<byte[], byte[]> letter = awaitDeadLetter(Topics.GUEST_ASSIGNMENTS, machineId, sent);
            assertThat(header(letter, DeadLetter.REASON)).as(header(letter, DeadLetter.DETAIL)).isEqualTo(expected.reason());
            assertThat(letter.value()).isEqualTo(value);
            assertThat(header(letter, SENDER_HEADER)).as("the source record's headers are kept").isEqualTo(poison.name());
            if (expected.errorCode() != null) {
                assertThat(header(letter, DeadLetter.ERROR_CODE)).isEqualTo(expected.errorCode());
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A JSON value as large as Kafka takes in one record for this machine (found by trying: the limit counts the
     * batch's own bytes), with no machineId: its dead letter no longer fits once the headers are added.
     */
    private static RecordMetadata sendLargest(String topic, String machineId) {
        int size = 1024 * 1024 + 12 - 64 - machineId.length();
        while (true) {
            byte[] value = ("{\"schemaVersion\":1,\"padding\":\"" + "x".repeat(size - 32) + "\"}").getBytes(StandardCharsets.UTF_8);
            try {
                return fleet.sendTo(topic, partitionOf(machineId), machineId, value);
            } catch (IllegalStateException e) {
                assertThat(e).hasRootCauseInstanceOf(RecordTooLargeException.class);
                size -= 16;
            }
        }
    }

    private static RecordHeaders senderHeaders(Poison poison) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SENDER_HEADER, poison.name().getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static GuestAssignment assignment(String machine, String name, Instant issuedAt) {
        return fleet.cloud.sign(new GuestAssignment(GuestAssignment.SCHEMA_VERSION, UUID.randomUUID().toString(),
                TestCloud.machineId(machine), name, List.of(new GuestAssignment.Rule("root", RuleKind.FileExists, "/", null)),
                false, issuedAt, null));
    }

    private static ExtensionOperation withExtension(ExtensionOperation operation, ExtensionSpec extension) {
        return new ExtensionOperation(operation.schemaVersion(), operation.operationId(), operation.correlationId(),
                operation.machineId(), operation.sequence(), operation.kind(), extension, operation.packageRef(),
                operation.catalog(), operation.issuedAt(), null);
    }

    /** {@code json} with {@code bytes} in the middle of the first occurrence of {@code text}. */
    private static byte[] withBytes(byte[] json, String text, byte[] bytes) {
        String whole = new String(json, StandardCharsets.UTF_8);
        int at = whole.indexOf(text) + text.length() / 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(whole.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        out.writeBytes(whole.substring(at).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** The partition Kafka's default partitioner gives the key, so the poison is on the good record's partition. */
    private static int partitionOf(String machineId) {
        return MachinePartitions.of(machineId, 3);
    }

    private static ConsumerRecord<byte[], byte[]> awaitDeadLetter(String topic, String machineId, RecordMetadata source) {
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetter(topic, machineId, source) != null);
        return deadLetter(topic, machineId, source);
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(String topic, String machineId, RecordMetadata source) {
        return fleet.records(Topics.deadLetter(topic), machineId).stream()
                .filter(r -> String.valueOf(source.partition()).equals(header(r, DeadLetter.SOURCE_PARTITION))
                        && String.valueOf(source.offset()).equals(header(r, DeadLetter.SOURCE_OFFSET)))
                .findFirst().orElse(null);
    }

    /** The machine-signed compliance report for {@code assignment}, once published. */
    private static GuestComplianceReport awaitReport(GuestAssignment assignment) {
        await().atMost(Duration.ofSeconds(30)).until(() -> report(assignment) != null);
        return report(assignment);
    }

    private static GuestComplianceReport report(GuestAssignment assignment) {
        return fleet.records(Topics.GUEST_COMPLIANCE, assignment.machineId()).stream()
                .map(record -> Json.tree(record.value()))
                .filter(tree -> tree.path("assignmentId").asText().equals(assignment.assignmentId()))
                .map(tree -> {
                    assertThat(MessageSigner.verify(tree, fleet.machineKey(assignment.machineId()))).as("machine signature").isTrue();
                    return Json.decodeTree(tree, GuestComplianceReport.class, GuestComplianceReport.SCHEMA_VERSION);
                })
                .findFirst().orElse(null);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
