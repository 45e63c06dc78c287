package dev.bulwark.infra;

import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import dev.bulwark.model.Topics;

/**
 * What each {@link KafkaUser} may do on the broker dev-infra starts. The broker's authorizer allows nothing
 * that is not listed here ({@code allow.everyone.if.no.acl.found=false}); {@link KafkaUser#ADMIN} is a super
 * user. The point of it all: only the cloud writes the topics agents obey ({@link Topics#FROM_CLOUD}), so
 * neither an agent's credentials nor an observer's can issue an extension operation.
 */
final class KafkaAcls {

    /** The consumer group of every cloud replica ({@code group.id} in cloud-service's application.properties). */
    static final String CLOUD_GROUP = "bulwark-cloud";
    /**
     * Each agent host commits its offsets to its own group, {@code bulwark-agent-<host id>}
     * ({@code AgentHost.consumerGroup()}); it assigns its partitions itself and never joins a group.
     */
    static final String AGENT_GROUP_PREFIX = "bulwark-agent-";

    private KafkaAcls() {
    }

    static List<AclBinding> bindings() {
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : Topics.FROM_CLOUD) {
            allow(acls, KafkaUser.CLOUD, topic(topic), WRITE, DESCRIBE);
            allow(acls, KafkaUser.AGENT, topic(topic), READ, DESCRIBE);
            // An agent dead-letters what it cannot parse or verify; the cloud what the broker refuses for good.
            allow(acls, KafkaUser.AGENT, topic(Topics.deadLetter(topic)), WRITE, DESCRIBE);
            allow(acls, KafkaUser.CLOUD, topic(Topics.deadLetter(topic)), WRITE, DESCRIBE);
        }
        for (String topic : Topics.FROM_AGENTS) {
            allow(acls, KafkaUser.AGENT, topic(topic), WRITE, DESCRIBE);
            allow(acls, KafkaUser.CLOUD, topic(topic), READ, DESCRIBE);
            allow(acls, KafkaUser.CLOUD, topic(Topics.deadLetter(topic)), WRITE, DESCRIBE);
        }
        for (String topic : Topics.ALL) {
            allow(acls, KafkaUser.OBSERVER, topic(topic), READ, DESCRIBE);
            allow(acls, KafkaUser.OBSERVER, topic(Topics.deadLetter(topic)), READ, DESCRIBE);
        }
        allow(acls, KafkaUser.CLOUD, new ResourcePattern(ResourceType.GROUP, CLOUD_GROUP, PatternType.LITERAL), READ);
        allow(acls, KafkaUser.AGENT, new ResourcePattern(ResourceType.GROUP, AGENT_GROUP_PREFIX, PatternType.PREFIXED), READ);
        return acls;
    }

    /** Creates every binding; creating one that exists changes nothing, so this may run on every start. */
    static void apply(Admin admin) {
        try {
            admin.createAcls(bindings()).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create the Kafka ACLs: " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Creating the Kafka ACLs took more than 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the Kafka ACLs", e);
        }
    }

    private static ResourcePattern topic(String name) {
        return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
    }

    private static void allow(List<AclBinding> acls, KafkaUser user, ResourcePattern resource, AclOperation... operations) {
        for (AclOperation operation : operations) {
            acls.add(new AclBinding(resource, new AccessControlEntry(user.principal(), "*", operation, AclPermissionType.ALLOW)));
        }
    }
}
