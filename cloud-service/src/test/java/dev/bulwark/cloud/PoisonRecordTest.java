package dev.bulwark.cloud;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.cloud.support.TestKafka;
import dev.bulwark.infra.BulwarkInfraResource;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.model.AgentReport;
import dev.bulwark.model.Canonical;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.ExtensionSpec;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Poison records on each topic the cloud consumes, one case per kind, each followed by a good signed record of
 * the same machine (same partition, so behind the poison): the poison is dead-lettered with its reason, refused
 * by the broker, or accepted because it is harmless, and the good record is applied in every case.
 *
 * <p>What each case gets, per topic (MalformedMessage unless said): not JSON; JSON of another message;
 * a field of the wrong type; 2 MB (the broker refuses it: {@code message.max.bytes}, 1 MiB, is the guard);
 * the largest value the broker takes (dead-lettered without its value, which no longer fits with the
 * dead-letter headers); a NUL in a signed text (Unprojectable: the database refuses it); bytes that are not
 * UTF-8 or are overlong UTF-8; a field named twice; the record's time far in the future (results: accepted,
 * finishedAt orders nothing; reports and compliance: Unprojectable, since kept it would hide every later one)
 * or in the past (1969: accepted, older than what follows, so harmless; {@code Instant.MIN}: accepted in a result,
 * Unprojectable in a report, before the database's range).
 */
@QuarkusTest
class PoisonRecordTest {
    /** A time stamp that is no time at all, in a record otherwise valid. */
    private static final Instant FAR_FUTURE = Instant.parse("9999-12-31T23:59:59Z");
    private static final Instant NEGATIVE = Instant.ofEpochSecond(-1);
    private static KafkaProducer<byte[], byte[]> producer;

    enum Poison {
        NOT_JSON, OTHER_MESSAGE, WRONG_TYPE, OVERSIZED, LARGEST_THE_BROKER_TAKES, NUL_IN_TEXT, INVALID_UTF8,
        OVERLONG_UTF8, DUPLICATE_KEY, FAR_FUTURE_TIME, MAX_TIME, NEGATIVE_TIME, MIN_TIME
    }

    /** What a topic's consumer must do with a poison. */
    private record Expected(String deadLetterReason, String detail, boolean refusedByBroker) {
        static final Expected ACCEPTED = new Expected(null, null, false);
        static final Expected BROKER = new Expected(null, null, true);
        static final Expected MALFORMED = deadLetter("MalformedMessage", "");
        /** The database refuses the content (NUL; a time before its range, which starts in 4713 BC). */
        static final Expected REFUSED_BY_THE_DATABASE = deadLetter("Unprojectable", "the database refused its content");
        /** Kept, a report from the future would hide every later one until the clock caught up. */
        static final Expected FROM_THE_FUTURE = deadLetter("Unprojectable", "bulwark.cloud.clock-skew");

        static Expected deadLetter(String reason, String detail) {
            return new Expected(reason, detail, false);
        }
    }

    /** One topic's messages, built by the test for one machine: text and time are where poison goes. */
    private interface Sample {
        String topic();

        /** A message of this topic signed by the machine, with {@code text} in a text field and {@code time} its time. */
        byte[] signed(String text, Instant time);

        /** The text field and the time field of {@link #signed}. */
        String textField();

        String timeField();

        /** A valid message of another topic, signed by the same machine. */
        byte[] otherMessage();

        PrivateKey key();
    }

    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0");
    }

    @AfterAll
    static void closeProducer() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }

    // ---------------------------------------------------------------- bulwark.extension-results

    @ParameterizedTest
    @EnumSource(Poison.class)
    void extensionResults(Poison poison) throws Exception {
        FakeMachine machine = FakeMachine.registered();
        ExtensionOperation poisoned = operation(machine, "poisoned");
        ExtensionOperation good = operation(machine, "good");
        Sample sample = new Sample() {
            public String topic() {
                return Topics.EXTENSION_RESULTS;
            }

            public byte[] signed(String text, Instant time) {
                return Json.encode(MessageSigner.sign(new OperationResult(OperationResult.SCHEMA_VERSION,
                        poisoned.operationId(), machine.machineId(), poisoned.extension().name(), poisoned.kind(),
                        ResultStatus.Failed, "ExtensionHandlerFailed", text, null, null, time, null), key()));
            }

            public String textField() {
                return "message";
            }

            public String timeField() {
                return "finishedAt";
            }

            public byte[] otherMessage() {
                return report(machine, "1.0.9", Instant.now());
            }

            public PrivateKey key() {
                return machine.signingKeys.getPrivate();
            }
        };
        Expected expected = switch (poison) {
            case OVERSIZED -> Expected.BROKER;
            case NUL_IN_TEXT -> Expected.REFUSED_BY_THE_DATABASE;
            // finishedAt is the machine's word, shown in the instance view (stored as JSON text); it orders nothing.
            case FAR_FUTURE_TIME, MAX_TIME, NEGATIVE_TIME, MIN_TIME -> Expected.ACCEPTED;
            default -> Expected.MALFORMED;
        };

        run(poison, sample, machine, expected,
                () -> provisioningState(machine, "poisoned").equals("Failed"),
                () -> send(Topics.EXTENSION_RESULTS, machine.machineId(), Json.encode(machine.succeeded(good))),
                () -> provisioningState(machine, "good").equals("Succeeded"));
        if (expected.deadLetterReason() != null) {
            assertThat(provisioningState(machine, "poisoned")).as("the poison changed nothing").isEqualTo("Creating");
        }
    }

    // ---------------------------------------------------------------- bulwark.agent-reports

    @ParameterizedTest
    @EnumSource(Poison.class)
    void agentReports(Poison poison) throws Exception {
        FakeMachine machine = FakeMachine.registered();
        String goodVersion = "2.0." + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1000);
        Sample sample = new Sample() {
            public String topic() {
                return Topics.AGENT_REPORTS;
            }

            public byte[] signed(String text, Instant time) {
                return report(machine, text, time);
            }

            public String textField() {
                return "agentVersion";
            }

            public String timeField() {
                return "sentAt";
            }

            public byte[] otherMessage() {
                return Json.encode(machine.result(operationOf(machine), ResultStatus.Succeeded, null, "done"));
            }

            public PrivateKey key() {
                return machine.signingKeys.getPrivate();
            }
        };
        Expected expected = switch (poison) {
            case OVERSIZED -> Expected.BROKER;
            case NUL_IN_TEXT, MIN_TIME -> Expected.REFUSED_BY_THE_DATABASE;
            case FAR_FUTURE_TIME, MAX_TIME -> Expected.FROM_THE_FUTURE;
            // Older than the report after it, which replaces it.
            case NEGATIVE_TIME -> Expected.ACCEPTED;
            default -> Expected.MALFORMED;
        };

        run(poison, sample, machine, expected,
                () -> POISON_TEXT.equals(machineView(machine).getString("properties.agentVersion")),
                () -> send(Topics.AGENT_REPORTS, machine.machineId(), report(machine, goodVersion, Instant.now())),
                () -> goodVersion.equals(machineView(machine).getString("properties.agentVersion")));
    }

    // ---------------------------------------------------------------- bulwark.guest-compliance

    @ParameterizedTest
    @EnumSource(Poison.class)
    void guestCompliance(Poison poison) throws Exception {
        FakeMachine machine = FakeMachine.registered();
        String name = "baseline";
        JsonPath created = given().contentType(ContentType.JSON).body(GuestConfigurationTest.body().toString())
                .queryParam("api-version", GuestConfigurationTest.API_VERSION).put(machine.guestAssignmentPath(name))
                .then().statusCode(201).extract().jsonPath();
        assertThat(created.getString("properties.complianceStatus")).isEqualTo("Pending");
        String assignmentId = Json.decode(machine.awaitGuestAssignment(a -> a.name().equals(name)).value(),
                GuestAssignment.class, GuestAssignment.SCHEMA_VERSION).assignmentId();
        Sample sample = new Sample() {
            public String topic() {
                return Topics.GUEST_COMPLIANCE;
            }

            public byte[] signed(String text, Instant time) {
                return Json.encode(machine.complianceReport(assignmentId, name, "NonCompliant", null, text, List.of(), time));
            }

            public String textField() {
                return "message";
            }

            public String timeField() {
                return "evaluatedAt";
            }

            public byte[] otherMessage() {
                return report(machine, "1.0.9", Instant.now());
            }

            public PrivateKey key() {
                return machine.signingKeys.getPrivate();
            }
        };
        Expected expected = switch (poison) {
            case OVERSIZED -> Expected.BROKER;
            case NUL_IN_TEXT, MIN_TIME -> Expected.REFUSED_BY_THE_DATABASE;
            case FAR_FUTURE_TIME, MAX_TIME -> Expected.FROM_THE_FUTURE;
            case NEGATIVE_TIME -> Expected.ACCEPTED;
            default -> Expected.MALFORMED;
        };

        run(poison, sample, machine, expected,
                () -> "NonCompliant".equals(assignmentView(machine, name).getString("properties.complianceStatus")),
                () -> send(Topics.GUEST_COMPLIANCE, machine.machineId(), Json.encode(machine.complianceReport(assignmentId,
                        name, "Compliant", null, null, List.of(), Instant.now()))),
                () -> "Compliant".equals(assignmentView(machine, name).getString("properties.complianceStatus")));
    }

    // ---------------------------------------------------------------- the cases

    private static final String POISON_TEXT = "poison-1.0";

    /**
     * Sends the poison, checks what became of it, then sends the good record and waits until it shows.
     *
     * @param poisonShows  true once an accepted poison is visible
     * @param sendGood     sends the good record
     * @param goodShows    true once the good record is visible
     */
    private static void run(Poison poison, Sample sample, FakeMachine machine, Expected expected,
                            Supplier<Boolean> poisonShows, ThrowingRunnable sendGood, Supplier<Boolean> goodShows)
            throws Exception {
        String key = machine.machineId();
        if (expected.refusedByBroker()) {
            byte[] huge = sample.signed("x".repeat(2 * 1024 * 1024), Instant.now());
            // The broker is the guard: even a client that raised its own max.request.size is refused.
            assertThatThrownBy(() -> send(sample.topic(), key, huge)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RecordTooLargeException.class);
            // And the producer's own default refuses it before it leaves the machine.
            assertThatThrownBy(() -> TestKafka.send(sample.topic(), key, huge))
                    .hasRootCauseInstanceOf(RecordTooLargeException.class);
        } else {
            RecordMetadata sent = poison == Poison.LARGEST_THE_BROKER_TAKES ? sendLargest(sample.topic(), key)
                    : send(sample.topic(), key, value(poison, sample));
            if (expected.deadLetterReason() == null) {
                await().atMost(PATIENCE).until(poisonShows::get);
            } else {
                ConsumerRecord<byte[], byte[]> letter = awaitDeadLetter(sent);
                assertThat(TestKafka.header(letter, DeadLetter.REASON)).as(TestKafka.header(letter, DeadLetter.DETAIL))
                        .isEqualTo(expected.deadLetterReason());
                assertThat(TestKafka.header(letter, DeadLetter.DETAIL)).contains(expected.detail());
                assertThat(TestKafka.text(letter.key())).isEqualTo(key);
                if (poison == Poison.LARGEST_THE_BROKER_TAKES) {
                    assertThat(letter.value()).as("too large to copy with the dead-letter headers").isNull();
                    assertThat(TestKafka.header(letter, DeadLetter.DETAIL)).contains(sent.serializedValueSize() + " bytes");
                } else {
                    assertThat(letter.value()).as("kept byte for byte").hasSize(sent.serializedValueSize());
                }
            }
        }
        sendGood.run();
        await().atMost(PATIENCE).until(goodShows::get);
    }

    /** The poison's bytes; each is a single record of this machine's partition. */
    private static byte[] value(Poison poison, Sample sample) {
        return switch (poison) {
            case NOT_JSON -> ("not json " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
            case OTHER_MESSAGE -> sample.otherMessage();
            case WRONG_TYPE -> {
                ObjectNode tree = (ObjectNode) Json.tree(sample.signed(POISON_TEXT, Instant.now()));
                tree.remove("signature");
                tree.putObject(sample.timeField()).put("not", "a time");
                tree.put("signature", Ed25519.sign(sample.key(), Canonical.bytesOfTree(tree)));
                yield Json.encode(tree);
            }
            case NUL_IN_TEXT -> sample.signed("poison \u0000 text", Instant.now());
            case INVALID_UTF8 -> replace(sample.signed("poison @@ text", Instant.now()), new byte[]{(byte) 0xFF, (byte) 0xFE});
            // U+0000 as a decoder that allows overlong forms reads it.
            case OVERLONG_UTF8 -> replace(sample.signed("poison @@ text", Instant.now()), new byte[]{(byte) 0xC0, (byte) 0x80});
            case DUPLICATE_KEY -> {
                // The signature covers the last value (what Jackson keeps); a reader keeping the first would see another.
                String signed = new String(sample.signed(POISON_TEXT, Instant.now()), StandardCharsets.UTF_8);
                yield ("{\"" + sample.textField() + "\":\"forged\"," + signed.substring(1)).getBytes(StandardCharsets.UTF_8);
            }
            case FAR_FUTURE_TIME -> sample.signed(POISON_TEXT, FAR_FUTURE);
            case MAX_TIME -> sample.signed(POISON_TEXT, Instant.MAX);
            case NEGATIVE_TIME -> sample.signed(POISON_TEXT, NEGATIVE);
            case MIN_TIME -> sample.signed(POISON_TEXT, Instant.MIN);
            case OVERSIZED, LARGEST_THE_BROKER_TAKES -> throw new IllegalArgumentException(poison + " is sent on its own");
        };
    }

    /**
     * A JSON value as large as the broker accepts in one record with this key (found by trying: the limit counts
     * the batch's own bytes), which no topic's schema matches.
     */
    private static RecordMetadata sendLargest(String topic, String key) throws Exception {
        int size = 1024 * 1024 + 12 - 64 - key.length();
        while (true) {
            byte[] value = ("{\"schemaVersion\":1,\"padding\":\"" + "x".repeat(size - 32) + "\"}").getBytes(StandardCharsets.UTF_8);
            try {
                return send(topic, key, value);
            } catch (ExecutionException e) {
                assertThat(e).hasCauseInstanceOf(RecordTooLargeException.class);
                size -= 4;
            }
        }
    }

    private static byte[] replace(byte[] value, byte[] with) {
        String text = new String(value, StandardCharsets.UTF_8);
        int at = text.indexOf("@@");
        assertThat(at).isPositive();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(with);
        out.writeBytes(text.substring(at + 2).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- helpers

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** As an agent: acks=all, and a request limit above the broker's so that the broker's own limit is what refuses. */
    private static synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = BulwarkInfraResource.infra().kafkaClientConfig(KafkaUser.AGENT);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producer = new KafkaProducer<>(config);
        }
        return producer;
    }

    private static RecordMetadata send(String topic, String key, byte[] value) throws Exception {
        return producer().send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    private static ConsumerRecord<byte[], byte[]> awaitDeadLetter(RecordMetadata source) {
        return TestKafka.awaitRecord(Topics.deadLetter(source.topic()), r -> source.topic().equals(TestKafka.header(r, DeadLetter.SOURCE_TOPIC))
                && String.valueOf(source.partition()).equals(TestKafka.header(r, DeadLetter.SOURCE_PARTITION))
                && String.valueOf(source.offset()).equals(TestKafka.header(r, DeadLetter.SOURCE_OFFSET)));
    }

    private static byte[] report(FakeMachine machine, String agentVersion, Instant sentAt) {
        return Json.encode(MessageSigner.sign(new AgentReport(AgentReport.SCHEMA_VERSION, machine.machineId(), agentVersion,
                null, List.of(), sentAt, null), machine.signingKeys.getPrivate()));
    }

    private static ExtensionOperation operation(FakeMachine machine, String extension) {
        return machine.awaitOperation(Arm.operationIdOf(machine.putExtension(extension, Bodies.extension("1.0")))).operation();
    }

    /** An operation of this machine the cloud never issued, for a message that is not a result. */
    private static ExtensionOperation operationOf(FakeMachine machine) {
        return new ExtensionOperation(ExtensionOperation.SCHEMA_VERSION, UUID.randomUUID().toString(), null,
                machine.machineId(), 1, OperationKind.INSTALL, new ExtensionSpec("x", "P", "T", "1.0", null, null),
                null, null, Instant.now(), null);
    }

    private static String provisioningState(FakeMachine machine, String extension) {
        return String.valueOf(machine.getExtension(extension).jsonPath().getString("properties.provisioningState"));
    }

    private static JsonPath machineView(FakeMachine machine) {
        return given().queryParam("api-version", Arm.API_VERSION).get(machine.path()).then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath assignmentView(FakeMachine machine, String name) {
        return given().queryParam("api-version", GuestConfigurationTest.API_VERSION).get(machine.guestAssignmentPath(name))
                .then().statusCode(200).extract().jsonPath();
    }
}
