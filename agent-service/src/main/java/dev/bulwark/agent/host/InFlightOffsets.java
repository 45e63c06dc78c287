package dev.bulwark.agent.host;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The records a host is still handling, per partition, and so how far each partition's committed offset may
 * move: up to its first unfinished record, or past the last one read when all are finished. This is what lets
 * a host go on reading while one machine waits for a slow download or a hung handler: the records after it
 * are handled, and only the commit waits, so a restart reads them again (operations are idempotent).
 *
 * <p>Memory follows the unfinished records, not the records read since the oldest of them.
 * {@link #read}, {@link #skipped}, {@link #committable} and {@link #commitFailed} are called by the
 * consumer thread only (Kafka runs commit callbacks there too);
 * {@link #finished} by any thread.
 */
final class InFlightOffsets {
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final AtomicInteger unfinished = new AtomicInteger();

    private static final class Partition {
        final NavigableSet<Long> unfinished = new ConcurrentSkipListSet<>();
        long next = -1;
        long committed = -1;
    }

    /** A record that is being handled from now on. */
    void read(ConsumerRecord<?, ?> record) {
        Partition partition = partition(record);
        partition.unfinished.add(record.offset());
        partition.next = record.offset() + 1;
        unfinished.incrementAndGet();
    }

    /** A record with nothing to do (another host's machine): done as soon as read. */
    void skipped(ConsumerRecord<?, ?> record) {
        partition(record).next = record.offset() + 1;
    }

    void finished(ConsumerRecord<?, ?> record) {
        if (partition(record).unfinished.remove(record.offset())) {
            unfinished.decrementAndGet();
        }
    }

    /** How many records read are not finished yet. */
    int unfinished() {
        return unfinished.get();
    }

    /**
     * The offsets to commit now, for the partitions whose committable offset moved since the last call:
     * each partition's first unfinished record, or the one after the last read.
     */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((topicPartition, partition) -> {
            Long oldest = partition.unfinished.ceiling(0L);
            long offset = oldest == null ? partition.next : oldest;
            if (offset > partition.committed) {
                partition.committed = offset;
                offsets.put(topicPartition, new OffsetAndMetadata(offset));
            }
        });
        return offsets;
    }

    /** A commit failed: the next {@link #committable} answers every partition again. */
    void commitFailed() {
        partitions.values().forEach(partition -> partition.committed = -1);
    }

    private Partition partition(ConsumerRecord<?, ?> record) {
        return partitions.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), p -> new Partition());
    }
}
