package dev.bulwark.agent.host;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which partition of a cloud-to-agent topic holds a machine's records. The cloud publishes every record
 * with the machine id as its key and no partition of its own choosing, so Kafka's default producer
 * partitioner decides: murmur2 of the key's UTF-8 bytes, made positive, modulo the topic's partition count.
 *
 * <p>This must stay exactly the producer's function: an agent host reads only the partitions computed here,
 * so a machine mapped to any other partition would silently never see its operations (no error, no dead
 * letter, nothing). A test produces keyed records with a real {@code KafkaProducer} and checks that it
 * agrees. A cloud that set its own partitioner would have to use this function too.
 */
public final class MachinePartitions {
    private MachinePartitions() {
    }

    /** The partition of {@code machineId}'s records in a topic of {@code partitions} partitions. */
    public static int of(String machineId, int partitions) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("a topic has at least one partition, not " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(machineId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The partitions holding the records of any of {@code machineIds}, in order. */
    public static SortedSet<Integer> of(Collection<String> machineIds, int partitions) {
        SortedSet<Integer> result = new TreeSet<>();
        for (String machineId : machineIds) {
            result.add(of(machineId, partitions));
            if (result.size() == partitions) {
                break; // every partition is needed already
            }
        }
        return result;
    }
}
