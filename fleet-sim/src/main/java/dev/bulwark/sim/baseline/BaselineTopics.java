package dev.bulwark.sim.baseline;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The run's two topics, and at the end its consumer groups too. */
final class BaselineTopics {

    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;
    private final BaselineNames names;

    BaselineTopics(Admin admin, BaselineNames names) {
        this.admin = admin;
        this.names = names;
    }

    /**
     * The replication factor is the cluster's default, as for Bulwark's own topics (dev-infra's
     * {@code LocalInfra}): on a replicated cluster a floor written with one replica would be too low.
     */
    void create(int partitions) {
        List<NewTopic> topics = topicNames().stream()
                .map(name -> new NewTopic(name, Optional.of(partitions), Optional.empty()))
                .toList();
        await(admin.createTopics(topics).all(), "creating " + topicNames());
    }

    /** Deletes the topics, then the groups (which exist once their consumers committed). */
    void delete() {
        await(admin.deleteTopics(topicNames()).all(), "deleting " + topicNames());
        try {
            await(admin.deleteConsumerGroups(List.of(names.agentGroup(), names.projectionGroup())).all(),
                    "deleting the consumer groups");
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
        }
    }

    private List<String> topicNames() {
        return List.of(names.operationsTopic(), names.resultsTopic());
    }

    private static void await(KafkaFuture<Void> future, String what) {
        try {
            future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return; // already gone: what deleting wanted
            }
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " took more than " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        }
    }
}
