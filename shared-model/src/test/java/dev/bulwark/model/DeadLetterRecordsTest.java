package dev.bulwark.model;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Dead letters as both sides build them: the source byte for byte, its headers kept, ours added after. */
class DeadLetterRecordsTest {
    private static final byte[] KEY = bytes("/subscriptions/s/resourcegroups/rg/providers/microsoft.hybridcompute/machines/m1");
    private static final byte[] VALUE = bytes("{\"not\":\"a message\"}");

    @Test
    void aDeadLetterCopiesKeyValueAndSourceHeadersThenSaysWhyAndWhereFrom() {
        ConsumerRecord<byte[], byte[]> source = consumed(Topics.EXTENSION_OPERATIONS, 7, 1234L,
                "traceparent", "00-abc-def-01", "bulwark-dlq-reason", "planted by the sender");

        ProducerRecord<byte[], byte[]> letter = DeadLetterRecords.of(source, DeadLetter.Reason.MalformedMessage,
                "schemaVersion is missing");

        assertThat(letter.topic()).isEqualTo("bulwark.extension-operations.dlq");
        assertThat(letter.key()).isEqualTo(KEY);
        assertThat(letter.value()).isEqualTo(VALUE);
        assertThat(names(letter)).containsExactly("traceparent", DeadLetter.REASON, DeadLetter.REASON, DeadLetter.DETAIL,
                DeadLetter.SOURCE_TOPIC, DeadLetter.SOURCE_PARTITION, DeadLetter.SOURCE_OFFSET);
        assertThat(last(letter, "traceparent")).contains("00-abc-def-01");
        assertThat(last(letter, DeadLetter.REASON)).as("ours is the last one, whatever the sender put").contains("MalformedMessage");
        assertThat(last(letter, DeadLetter.DETAIL)).contains("schemaVersion is missing");
        assertThat(last(letter, DeadLetter.SOURCE_TOPIC)).contains(Topics.EXTENSION_OPERATIONS);
        assertThat(last(letter, DeadLetter.SOURCE_PARTITION)).contains("7");
        assertThat(last(letter, DeadLetter.SOURCE_OFFSET)).contains("1234");
        assertThat(last(letter, DeadLetter.ERROR_CODE)).isEmpty();
    }

    @Test
    void aRefusalCarriesItsErrorCodeAndAMessageFormatExceptionItsReason() {
        ConsumerRecord<byte[], byte[]> source = consumed(Topics.GUEST_ASSIGNMENTS, 0, 5L);

        ProducerRecord<byte[], byte[]> refusal = DeadLetterRecords.of(source, DeadLetter.Reason.OperationRefused,
                "issued in the future", ErrorCode.OperationNotYetValid);
        ProducerRecord<byte[], byte[]> unsigned = DeadLetterRecords.of(source,
                new MessageFormatException(DeadLetter.Reason.SignatureInvalid, "the signature is missing"));

        assertThat(last(refusal, DeadLetter.REASON)).contains("OperationRefused");
        assertThat(last(refusal, DeadLetter.ERROR_CODE)).contains("OperationNotYetValid");
        assertThat(last(unsigned, DeadLetter.REASON)).contains("SignatureInvalid");
        assertThat(last(unsigned, DeadLetter.DETAIL)).contains("the signature is missing");
    }

    @Test
    void withoutValueKeepsKeyAndHeadersAndNamesTheSizeLeftOut() {
        ProducerRecord<byte[], byte[]> letter = DeadLetterRecords.of(consumed(Topics.AGENT_REPORTS, 2, 9L, "h", "v"),
                DeadLetter.Reason.SignatureInvalid, "the signature does not verify");

        ProducerRecord<byte[], byte[]> valueless = DeadLetterRecords.withoutValue(letter);

        assertThat(valueless.topic()).isEqualTo(letter.topic());
        assertThat(valueless.key()).isEqualTo(KEY);
        assertThat(valueless.value()).isNull();
        assertThat(names(valueless)).containsExactlyInAnyOrderElementsOf(names(letter));
        assertThat(last(valueless, "h")).contains("v");
        assertThat(last(valueless, DeadLetter.REASON)).contains("SignatureInvalid");
        assertThat(last(valueless, DeadLetter.DETAIL)).contains("the signature does not verify (the value, " + VALUE.length
                + " bytes, is left out: with these headers it is larger than the broker accepts)");
    }

    @Test
    void anUndeliverableOutboxMessageIsKeyAndReasonOnly() {
        ProducerRecord<byte[], byte[]> letter = DeadLetterRecords.undeliverable(Topics.EXTENSION_OPERATIONS, KEY,
                "a message of 2000000 bytes for machine m1 was refused by the broker");

        assertThat(letter.topic()).isEqualTo(Topics.deadLetter(Topics.EXTENSION_OPERATIONS));
        assertThat(letter.key()).isEqualTo(KEY);
        assertThat(letter.value()).isNull();
        assertThat(names(letter)).containsExactly(DeadLetter.REASON, DeadLetter.DETAIL, DeadLetter.SOURCE_TOPIC);
        assertThat(last(letter, DeadLetter.REASON)).contains("Undeliverable");
        assertThat(Topics.isDeadLetter(letter.topic())).isTrue();
        assertThat(Topics.isDeadLetter(Topics.EXTENSION_OPERATIONS)).isFalse();
    }

    private static ConsumerRecord<byte[], byte[]> consumed(String topic, int partition, long offset, String... headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            recordHeaders.add(headers[i], bytes(headers[i + 1]));
        }
        return new ConsumerRecord<>(topic, partition, offset, 0L, TimestampType.CREATE_TIME, KEY.length, VALUE.length,
                KEY, VALUE, recordHeaders, Optional.empty());
    }

    private static List<String> names(ProducerRecord<byte[], byte[]> record) {
        return StreamSupport.stream(record.headers().spliterator(), false).map(Header::key).toList();
    }

    private static Optional<String> last(ProducerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
