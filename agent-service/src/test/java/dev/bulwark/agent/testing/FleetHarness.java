package dev.bulwark.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.agent.cli.AgentCli;
import dev.bulwark.agent.host.AgentHost;
import dev.bulwark.agent.host.AgentHostSettings;
import dev.bulwark.agent.identity.Connector;
import dev.bulwark.agent.identity.RegistrationCredential;
import dev.bulwark.infra.KafkaBroker;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A simulated fleet connected to a {@link TestCloud} and hosted by one {@link AgentHost} on the shared real
 * broker, with a plain producer for what the cloud sends and plain readers for what the machines publish.
 * Each test class uses its own machine-name prefix, so the hosts of different classes ignore each other.
 */
public final class FleetHarness implements AutoCloseable {
    public final TestCloud cloud;
    public final Path home;
    private final KafkaBroker broker;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, TopicReader> readers = new ConcurrentHashMap<>();
    private AgentHost host;

    private FleetHarness(TestCloud cloud, Path home, KafkaBroker broker) {
        this.cloud = cloud;
        this.home = home;
        this.broker = broker;
        // It sends what the cloud sends, so it logs in as the cloud: only the cloud may write those topics.
        Map<String, Object> config = broker.clientConfig(KafkaUser.CLOUD);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(config);
    }

    /** Connects {@code prefix}-0001 .. {@code prefix}-{@code count} (not yet hosted: configure them, then {@link #start}). */
    public static FleetHarness connect(String prefix, int count) throws IOException {
        TestCloud cloud = new TestCloud();
        Path home = Files.createTempDirectory("bulwark-fleet-" + prefix);
        FleetHarness fleet = new FleetHarness(cloud, home, SharedKafka.broker());
        fleet.cliAt(home, "connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", cloud.url().toString(), "--ca", TestTls.caFile().toString(),
                "--subscription", TestCloud.SUBSCRIPTION,
                "--resource-group", TestCloud.RESOURCE_GROUP, "--machine", prefix, "--count", String.valueOf(count));
        return fleet;
    }

    /** Connects exactly the machines {@code names} (not yet hosted), the way a fleet simulator picks them. */
    public static FleetHarness connect(List<String> names) throws IOException {
        TestCloud cloud = new TestCloud();
        Path home = Files.createTempDirectory("bulwark-fleet-" + names.get(0));
        FleetHarness fleet = new FleetHarness(cloud, home, SharedKafka.broker());
        Connector.Outcome outcome = new Connector(RegistrationCredential.NONE).connect(home, Connector.Request.fleet(cloud.url(),
                TestCloud.SUBSCRIPTION, TestCloud.RESOURCE_GROUP, names, List.of()).withCloudCa(TestTls.pinned(TestTls.local())));
        assertThat(outcome.failures()).isEmpty();
        return fleet;
    }

    public AgentHost start(Consumer<AgentHostSettings.Builder> configure) throws IOException {
        AgentHostSettings.Builder settings = AgentHostSettings.builder(home, broker.bootstrapServers())
                .configCheckInterval(Duration.ofMillis(200))
                .syncInterval(Duration.ofMinutes(10))
                .handlerDuration(Duration.ZERO)
                .durableState(false);
        // The agent logs in as agents do: what it may do on Kafka is what a real agent may do.
        broker.clientProperties(KafkaUser.AGENT).forEach(settings::kafka);
        configure.accept(settings);
        host = AgentHost.create(settings.build());
        host.start();
        return host;
    }

    /** The running host, closed (its batch in flight, if any, is not committed), so that another can start. */
    public void stop() {
        if (host != null) {
            host.close();
            host = null;
        }
    }

    /** Sends a record to exactly {@code partition}, whatever its key maps to; returns it as written. */
    public RecordMetadata sendTo(String topic, int partition, String key, byte[] value) {
        return sendTo(topic, partition, key, value, new org.apache.kafka.common.header.internals.RecordHeaders());
    }

    /** As {@link #sendTo(String, int, String, byte[])}, with {@code headers} on the record. */
    public RecordMetadata sendTo(String topic, int partition, String key, byte[] value,
                                 org.apache.kafka.common.header.Headers headers) {
        try {
            return producer.send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value, headers)).get();
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many partitions {@code topic} has on the broker. */
    public int partitionCount(String topic) {
        return producer.partitionsFor(topic).size();
    }

    public Path machineHome(String machine) {
        return home.resolve("machines").resolve(machine);
    }

    /** Runs {@code bulwark-agent ARGS --home HOME-of-machine} and expects exit 0; returns stdout. */
    public String cli(String machine, String... args) {
        return cliAt(machineHome(machine), args);
    }

    private String cliAt(Path machineHome, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--home");
        all.add(machineHome.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = AgentCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err), Map.of());
        assertThat(exit).as("bulwark-agent %s\n%s%s", String.join(" ", all), out, err).isZero();
        return out.toString();
    }

    public String send(ExtensionOperation operation) {
        send(Topics.EXTENSION_OPERATIONS, operation.machineId(), Json.encode(operation));
        return operation.operationId();
    }

    public void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
        producer.flush();
    }

    /** Everything published to {@code topic} so far whose key is {@code machineId}. */
    public List<ConsumerRecord<byte[], byte[]>> records(String topic, String machineId) {
        return readers.computeIfAbsent(topic, t -> new TopicReader(broker, t)).records().stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(machineId)).toList();
    }

    /** The result of {@code operationId}, once published; its key and machine signature are checked. */
    public OperationResult awaitResult(ExtensionOperation operation) {
        await().atMost(Duration.ofSeconds(30)).until(() -> resultRecord(operation) != null);
        ConsumerRecord<byte[], byte[]> record = resultRecord(operation);
        JsonNode tree = Json.tree(record.value());
        assertThat(MessageSigner.verify(tree, machineKey(operation.machineId()))).as("machine signature").isTrue();
        return Json.decodeTree(tree, OperationResult.class, OperationResult.SCHEMA_VERSION);
    }

    /** The results published for {@code operation}, oldest first, once there are {@code count}; machine signatures checked. */
    public List<OperationResult> awaitResults(ExtensionOperation operation, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> resultRecords(operation).size() >= count);
        return resultRecords(operation).stream().map(record -> {
            JsonNode tree = Json.tree(record.value());
            assertThat(MessageSigner.verify(tree, machineKey(operation.machineId()))).as("machine signature").isTrue();
            return Json.decodeTree(tree, OperationResult.class, OperationResult.SCHEMA_VERSION);
        }).toList();
    }

    /** The copies of {@code operation} dead-lettered so far. */
    public List<ConsumerRecord<byte[], byte[]>> deadLetters(ExtensionOperation operation) {
        return records(Topics.deadLetter(Topics.EXTENSION_OPERATIONS), operation.machineId()).stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(operation.operationId())).toList();
    }

    private List<ConsumerRecord<byte[], byte[]>> resultRecords(ExtensionOperation operation) {
        return records(Topics.EXTENSION_RESULTS, operation.machineId()).stream()
                .filter(r -> Json.tree(r.value()).path("operationId").asText().equals(operation.operationId())).toList();
    }

    private ConsumerRecord<byte[], byte[]> resultRecord(ExtensionOperation operation) {
        return records(Topics.EXTENSION_RESULTS, operation.machineId()).stream()
                .filter(r -> Json.tree(r.value()).path("operationId").asText().equals(operation.operationId()))
                .findFirst().orElse(null);
    }

    /** The signing key {@code machineId} registered at connect. */
    public PublicKey machineKey(String machineId) {
        String machine = machineId.substring(machineId.lastIndexOf('/') + 1);
        return Ed25519.decodePublic(cloud.registration(machine).at("/properties/agentPublicKeys/signing").asText());
    }

    @Override
    public void close() {
        List<AutoCloseable> closeables = new ArrayList<>(readers.values());
        closeables.addAll(List.of(producer, cloud));
        if (host != null) {
            closeables.add(0, host);
        }
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: the OS cleans up what is left
        }
    }
}
