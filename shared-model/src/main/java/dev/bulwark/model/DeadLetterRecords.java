package dev.bulwark.model;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * The one place dead letters are built, for the cloud and the agent alike: the refused record's key, value and
 * headers byte for byte on {@code <topic>.dlq}, then the {@link DeadLetter} headers saying why and where it came
 * from. Kept beside {@link DeadLetter}, which spells the header names and reasons.
 *
 * <p>The source headers come first and ours after them, so {@code lastHeader(DeadLetter.REASON)} is always ours,
 * even if the source carried a header of that name.
 */
public final class DeadLetterRecords {
    private DeadLetterRecords() {
    }

    /** {@code source} refused for {@code reason}; {@code detail} names fields and keys, never message content. */
    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> source, DeadLetter.Reason reason,
                                                    String detail) {
        return of(source, reason, detail, null);
    }

    /** {@code source} refused for the reason and with the detail of {@code why}. */
    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> source, MessageFormatException why) {
        return of(source, why.reason(), String.valueOf(why.getMessage()));
    }

    /** As {@link #of(ConsumerRecord, DeadLetter.Reason, String)}, with the error code the receiver answered (or null). */
    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> source, DeadLetter.Reason reason,
                                                    String detail, ErrorCode errorCode) {
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(Topics.deadLetter(source.topic()), null,
                source.key(), source.value());
        for (Header header : source.headers()) {
            letter.headers().add(header);
        }
        add(letter.headers(), DeadLetter.REASON, reason.name());
        add(letter.headers(), DeadLetter.DETAIL, detail);
        add(letter.headers(), DeadLetter.SOURCE_TOPIC, source.topic());
        add(letter.headers(), DeadLetter.SOURCE_PARTITION, Integer.toString(source.partition()));
        add(letter.headers(), DeadLetter.SOURCE_OFFSET, Long.toString(source.offset()));
        if (errorCode != null) {
            add(letter.headers(), DeadLetter.ERROR_CODE, errorCode.name());
        }
        return letter;
    }

    /**
     * The same dead letter without its value, for a record the broker took that no longer fits once the
     * dead-letter headers are added: key and headers kept, the detail saying how large the value was. Sending it
     * instead of retrying keeps one oversized record from stopping its partition.
     */
    public static ProducerRecord<byte[], byte[]> withoutValue(ProducerRecord<byte[], byte[]> deadLetter) {
        int size = deadLetter.value() == null ? 0 : deadLetter.value().length;
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(deadLetter.topic(), deadLetter.partition(),
                deadLetter.key(), null);
        Header detail = deadLetter.headers().lastHeader(DeadLetter.DETAIL);
        for (Header header : deadLetter.headers()) {
            if (header != detail) {
                letter.headers().add(header);
            }
        }
        String said = detail == null ? "" : new String(detail.value(), StandardCharsets.UTF_8) + " ";
        add(letter.headers(), DeadLetter.DETAIL, said + "(the value, " + size + " bytes, is left out: with these headers"
                + " it is larger than the broker accepts)");
        return letter;
    }

    /**
     * The dead letter of an outbox message the broker refused for good ({@link DeadLetter.Reason#Undeliverable}):
     * key and why only, since the value did not fit the first time either. It never was a consumed record, so
     * it has no partition or offset.
     */
    public static ProducerRecord<byte[], byte[]> undeliverable(String topic, byte[] key, String detail) {
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(Topics.deadLetter(topic), null, key, null);
        add(letter.headers(), DeadLetter.REASON, DeadLetter.Reason.Undeliverable.name());
        add(letter.headers(), DeadLetter.DETAIL, detail);
        add(letter.headers(), DeadLetter.SOURCE_TOPIC, topic);
        return letter;
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
