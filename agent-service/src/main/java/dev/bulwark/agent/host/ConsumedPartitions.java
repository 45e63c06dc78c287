package dev.bulwark.agent.host;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The partitions an agent host reads: of each cloud-to-agent topic, only those its machines' keys map to
 * ({@link MachinePartitions}), assigned to the consumer by hand. No group membership means no rebalance and
 * no session timeout: a host killed and started again resumes at once from the offsets it committed.
 *
 * <p>A topic's partition count is looked up until the topic exists (an agent must run where the guest
 * configuration topic was never created, and start before the cloud created any), and looked up again
 * now and then, so partitions added to a topic are read once the client's metadata shows them. Used by
 * the consumer thread only.
 */
final class ConsumedPartitions {
    private static final System.Logger LOG = System.getLogger(ConsumedPartitions.class.getName());
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);
    private static final long RECHECK_NANOS = Duration.ofSeconds(10).toNanos();
    private static final long WAITING_RECHECK_NANOS = Duration.ofSeconds(1).toNanos();
    /** Up to this many partitions are listed in the log; more are only counted. */
    private static final int LISTED = 64;

    private final Collection<String> machineIds;
    private final List<String> topics;
    private final Map<String, Integer> partitionCounts = new LinkedHashMap<>();
    private Set<TopicPartition> assigned = Set.of();
    private long nextCheckNanos = System.nanoTime();
    private boolean waitingLogged;

    ConsumedPartitions(Collection<String> machineIds, List<String> topics) {
        this.machineIds = List.copyOf(machineIds);
        this.topics = List.copyOf(topics);
    }

    /** The partitions assigned now (empty until a topic exists). */
    Set<TopicPartition> assigned() {
        return assigned;
    }

    /**
     * Looks the topics up when due and assigns the partitions this host needs when they changed. Call only
     * between batches: a partition dropped from the assignment loses its position.
     *
     * @return true when the assignment changed
     */
    boolean refreshIfDue(Consumer<?, ?> kafka) {
        long now = System.nanoTime();
        if (now - nextCheckNanos < 0) {
            return false;
        }
        nextCheckNanos = now + RECHECK_NANOS;
        List<String> missing = new ArrayList<>();
        for (String topic : topics) {
            int count = partitionCount(kafka, topic);
            if (count > 0) {
                partitionCounts.put(topic, count);
            } else if (!partitionCounts.containsKey(topic)) {
                missing.add(topic);
            }
        }
        if (!missing.isEmpty() && !waitingLogged) {
            waitingLogged = true;
            LOG.log(System.Logger.Level.INFO, "waiting for topic(s) " + missing + " to exist");
        }
        Set<TopicPartition> wanted = wanted();
        if (wanted.isEmpty()) {
            nextCheckNanos = now + WAITING_RECHECK_NANOS; // nothing to read yet: look again soon
        }
        if (wanted.equals(assigned)) {
            return false;
        }
        kafka.assign(wanted); // partitions kept keep their position
        assigned = Set.copyOf(wanted);
        LOG.log(System.Logger.Level.INFO, describe());
        return true;
    }

    private Set<TopicPartition> wanted() {
        SortedSet<TopicPartition> wanted = new TreeSet<>(Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        partitionCounts.forEach((topic, count) -> MachinePartitions.of(machineIds, count)
                .forEach(partition -> wanted.add(new TopicPartition(topic, partition))));
        return wanted;
    }

    /** The topic's partition count, or 0 while it does not exist (or the broker did not answer in time). */
    private static int partitionCount(Consumer<?, ?> kafka, String topic) {
        try {
            List<PartitionInfo> partitions = kafka.partitionsFor(topic, LOOKUP_TIMEOUT);
            return partitions == null ? 0 : partitions.size();
        } catch (TimeoutException e) {
            return 0;
        }
    }

    /** "consumes 3 of 12 partitions for 40 machines: bulwark.extension-operations [0, 4] (of 6), ...". */
    String describe() {
        StringBuilder text = new StringBuilder("consumes ").append(assigned.size()).append(" of ")
                .append(partitionCounts.values().stream().mapToInt(Integer::intValue).sum()).append(" partitions for ")
                .append(machineIds.size()).append(" machine(s):");
        partitionCounts.forEach((topic, count) -> {
            List<Integer> mine = assigned.stream().filter(p -> p.topic().equals(topic)).map(TopicPartition::partition)
                    .sorted().toList();
            text.append(' ').append(topic).append(' ');
            text.append(assigned.size() <= LISTED ? mine.toString() : mine.size() + " partitions");
            text.append(" (of ").append(count).append(");");
        });
        return text.substring(0, text.length() - 1);
    }
}
