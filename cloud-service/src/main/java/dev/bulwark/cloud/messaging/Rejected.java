package dev.bulwark.cloud.messaging;

import dev.bulwark.model.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record refused for good (retrying cannot fix it), on its way to the dead-letter topic. */
public record Rejected(ConsumerRecord<byte[], byte[]> record, DeadLetter.Reason reason, String detail) {
}
