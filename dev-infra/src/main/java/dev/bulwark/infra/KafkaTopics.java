package dev.bulwark.infra;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics up front, for our broker and for an existing cluster alike. */
final class KafkaTopics {

    private KafkaTopics() {
    }

    /**
     * Creates each topic that does not exist yet; existing ones are left as they are. The replication
     * factor is the cluster's default, so one call suits a one-node broker and a real cluster.
     */
    static void create(Admin admin, int partitions, Collection<String> names) {
        var topics = names.stream()
                .map(name -> new NewTopic(name, Optional.of(partitions), Optional.empty()))
                .toList();
        Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
        for (var result : results.entrySet()) {
            try {
                result.getValue().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic " + result.getKey() + ": " + e.getCause(), e);
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("Creating topic " + result.getKey() + " took more than 30 s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topic " + result.getKey(), e);
            }
        }
    }
}
