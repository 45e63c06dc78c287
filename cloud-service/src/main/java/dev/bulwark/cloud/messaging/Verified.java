package dev.bulwark.cloud.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A message whose schema, key and signature checked out, with the record it came in (to dead-letter it later if needed). */
public record Verified<T>(T message, ConsumerRecord<byte[], byte[]> record) {
}
