package dev.bulwark.sim.baseline;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Fails a consumer stage that has waited too long for records, so a broken run ends with a reason
 * instead of hanging. Bulwark's floor moves thousands of records a second: a minute of nothing is a fault.
 */
final class Stall {

    static final Duration LIMIT = Duration.ofSeconds(60);

    private final String stage;
    private final int expected;
    private long lastProgress = System.nanoTime();

    Stall(String stage, int expected) {
        this.stage = stage;
        this.expected = expected;
    }

    /** Call after each poll with how many records it brought and how many the stage has handled. */
    void check(int received, int handled, Consumer<?, ?> consumer) {
        long now = System.nanoTime();
        if (received > 0) {
            lastProgress = now;
        } else if (now - lastProgress > LIMIT.toNanos()) {
            throw new IllegalStateException("baseline " + stage + ": no records for " + LIMIT.toSeconds() + " s after "
                    + handled + " of " + expected + "; " + whereTheRecordsAre(consumer));
        }
    }

    /** Tells a stage before that stopped sending from records that Kafka holds but does not deliver. */
    private static String whereTheRecordsAre(Consumer<?, ?> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return "this consumer has no partitions";
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(5));
        long unread = 0;
        for (TopicPartition partition : assigned) {
            unread += ends.get(partition) - consumer.position(partition, Duration.ofSeconds(5));
        }
        return unread == 0 ? "it read everything in its topic: the stage before it stopped sending"
                : unread + " records in its topic were not delivered to it";
    }
}
