package dev.bulwark.sim.baseline;

import java.util.Collection;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * Counts a consumer as ready once it holds partitions. The clock starts only when both consumers are
 * ready: Bulwark's consumers are long running, so joining a group is not part of what is measured.
 */
final class ReadyOnAssignment implements ConsumerRebalanceListener {

    private final CountDownLatch consumersReady;
    private boolean counted;

    ReadyOnAssignment(CountDownLatch consumersReady) {
        this.consumersReady = consumersReady;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (!counted && !partitions.isEmpty()) {
            counted = true;
            consumersReady.countDown();
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // Nothing to give back: offsets are committed after every batch.
    }
}
