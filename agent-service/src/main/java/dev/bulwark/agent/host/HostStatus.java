package dev.bulwark.agent.host;

import java.time.Instant;

/** A snapshot for health checks and {@code show}: ready once the consumer has partitions and keeps polling. */
public record HostStatus(boolean running, boolean consumerAlive, int assignedPartitions, Instant lastActivity,
                         int machines, String lastError) {

    public boolean ready(Instant now) {
        return running && consumerAlive && assignedPartitions > 0 && lastActivity != null
                && lastActivity.isAfter(now.minusSeconds(60));
    }
}
