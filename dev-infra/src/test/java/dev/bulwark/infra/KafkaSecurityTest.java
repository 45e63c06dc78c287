package dev.bulwark.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.bulwark.model.Topics;

/**
 * The broker dev-infra starts refuses anonymous clients and enforces {@link KafkaAcls}: each test here fails
 * if its defence is taken away (a PLAINTEXT listener, an ACL granting too much, a password not kept).
 */
class KafkaSecurityTest {

    private static final Path DATA = Path.of("target", "kafka-security-test");
    private static final Duration REFUSAL_WAIT = Duration.ofSeconds(5);

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.startFresh(DATA);
        broker.createTopics(1, LocalInfra.bulwarkTopics().toArray(String[]::new));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void anAnonymousPlaintextClientCanNeitherProduceNorConsume() {
        Map<String, Object> anonymous = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());

        try (var producer = producer(anonymous)) {
            assertThatThrownBy(() -> producer.send(record(Topics.EXTENSION_OPERATIONS)).get())
                    .as("an anonymous producer gets no metadata, so it never sends")
                    .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
        try (var consumer = consumer(anonymous)) {
            assertThatThrownBy(() -> consumer.partitionsFor(Topics.EXTENSION_OPERATIONS, REFUSAL_WAIT))
                    .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void aClientWithAWrongPasswordFailsToAuthenticate() {
        Map<String, Object> wrong = broker.clientConfig(KafkaUser.CLOUD);
        wrong.put(SaslConfigs.SASL_JAAS_CONFIG, String.valueOf(wrong.get(SaslConfigs.SASL_JAAS_CONFIG))
                .replaceFirst("password=\"[^\"]*\"", "password=\"guessed\""));

        try (var producer = producer(wrong)) {
            assertThatThrownBy(() -> producer.send(record(Topics.EXTENSION_OPERATIONS)).get())
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void anAgentPrincipalProducingToTheOperationsTopicIsRefusedByTheBroker() {
        assertThat(refusalOfWrite(KafkaUser.AGENT, Topics.EXTENSION_OPERATIONS))
                .isInstanceOf(TopicAuthorizationException.class);
    }

    @ParameterizedTest
    @EnumSource(value = KafkaUser.class, names = {"AGENT", "OBSERVER"})
    void nobodyButTheCloudWritesWhatAgentsRead(KafkaUser user) {
        for (String topic : Topics.FROM_CLOUD) {
            // The observer may write no topic at all, so its idempotent producer is refused even a producer id.
            assertThat(refusalOfWrite(user, topic)).as("%s writing %s", user, topic)
                    .isInstanceOf(AuthorizationException.class);
        }
    }

    @Test
    void theObserverWritesNothing() {
        for (String topic : LocalInfra.bulwarkTopics()) {
            assertThat(refusalOfWrite(KafkaUser.OBSERVER, topic)).as("observer writing %s", topic)
                    .isInstanceOf(AuthorizationException.class);
        }
    }

    @Test
    void theCloudSendsAnOperationTheAgentReadsItAndAnswersAndTheCloudReadsTheAnswer() throws Exception {
        String operation = "operation-" + System.nanoTime();
        RecordMetadata sent;
        try (var cloud = producer(broker.clientConfig(KafkaUser.CLOUD))) {
            sent = cloud.send(new ProducerRecord<>(Topics.EXTENSION_OPERATIONS, "machine-1", operation)).get();
        }

        // As an agent host reads: its own partitions, offsets committed to its own group.
        Map<String, Object> agentConfig = broker.clientConfig(KafkaUser.AGENT);
        agentConfig.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaAcls.AGENT_GROUP_PREFIX + "security-test");
        TopicPartition partition = new TopicPartition(Topics.EXTENSION_OPERATIONS, sent.partition());
        try (var agent = consumer(agentConfig)) {
            agent.assign(List.of(partition));
            agent.seek(partition, sent.offset());
            assertThat(pollUntilFound(agent, operation)).isNotNull();
            agent.commitSync(Map.of(partition, new OffsetAndMetadata(sent.offset() + 1)));
        }
        try (var agent = producer(broker.clientConfig(KafkaUser.AGENT))) {
            for (String topic : Topics.FROM_AGENTS) {
                agent.send(new ProducerRecord<>(topic, "machine-1", "answer-to-" + operation)).get();
            }
            agent.send(new ProducerRecord<>(Topics.deadLetter(Topics.EXTENSION_OPERATIONS), "machine-1", operation)).get();
        }

        Map<String, Object> cloudConfig = broker.clientConfig(KafkaUser.CLOUD);
        cloudConfig.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaAcls.CLOUD_GROUP);
        cloudConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var cloud = consumer(cloudConfig)) {
            cloud.subscribe(List.of(Topics.EXTENSION_RESULTS));
            assertThat(pollUntilFound(cloud, "answer-to-" + operation)).isNotNull();
            cloud.commitSync();
        }
    }

    @Test
    void theAclsAreExactlyKafkaAclsAndApplyingThemAgainChangesNothing() throws Exception {
        try (Admin admin = Admin.create(broker.clientConfig(KafkaUser.ADMIN))) {
            KafkaAcls.apply(admin);
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get())
                    .containsExactlyInAnyOrderElementsOf(KafkaAcls.bindings());
        }
    }

    @Test
    void credentialsAreKeptInAnOwnerOnlyFileAndNeverReachTheBrokerLog() throws Exception {
        Path credentials = DATA.resolve("credentials.properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DATA.resolve("server.properties"))))
                .isEqualTo("rw-------");
        String log = Files.readString(broker.logFile(), StandardCharsets.UTF_8);
        List<String> passwords = KafkaCredentials.loadOrCreate(credentials).passwords();
        assertThat(passwords).hasSize(KafkaUser.values().length).doesNotHaveDuplicates();
        for (String password : passwords) {
            assertThat(log).doesNotContain(password);
        }
    }

    @Test
    void aBrokerStartedAgainOnItsDataAcceptsTheSameCredentials() throws Exception {
        Path data = Path.of("target", "kafka-security-restart-test");
        Map<String, Object> cloudBefore;
        try (KafkaBroker first = KafkaBroker.startFresh(data)) {
            cloudBefore = first.clientConfig(KafkaUser.CLOUD);
        }
        try (KafkaBroker again = KafkaBroker.start(data)) {
            again.createTopics(1, Topics.EXTENSION_OPERATIONS);
            cloudBefore.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, again.bootstrapServers()); // a new port, should the old one be taken
            try (var cloud = producer(cloudBefore)) {
                assertThat(cloud.send(record(Topics.EXTENSION_OPERATIONS)).get().topic()).isEqualTo(Topics.EXTENSION_OPERATIONS);
            }
            try (var agent = producer(again.clientConfig(KafkaUser.AGENT))) {
                assertThatThrownBy(() -> agent.send(record(Topics.EXTENSION_OPERATIONS)).get())
                        .as("the ACLs are back too").hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    private static ConsumerRecord<String, String> pollUntilFound(KafkaConsumer<String, String> consumer, String value) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                if (r.value().equals(value)) {
                    found.add(r);
                }
            });
            return !found.isEmpty();
        });
        return found.get(0);
    }

    /**
     * Why the broker refused {@code user}'s record to {@code topic} (the authorization error, wherever the
     * client wrapped it); null if it took the record.
     */
    private static Throwable refusalOfWrite(KafkaUser user, String topic) {
        Throwable failure;
        try (var producer = producer(broker.clientConfig(user))) {
            producer.send(record(topic)).get();
            return null;
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthorizationException) {
                return cause;
            }
        }
        return failure;
    }

    private static ProducerRecord<String, String> record(String topic) {
        return new ProducerRecord<>(topic, "machine-1", "{}");
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> config) {
        Map<String, Object> settings = new java.util.HashMap<>(config);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) REFUSAL_WAIT.toMillis());
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(Map<String, Object> config) {
        Map<String, Object> settings = new java.util.HashMap<>(config);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer());
    }
}
