package dev.bulwark.agent.host;

import dev.bulwark.agent.AgentPlugins;
import dev.bulwark.agent.extension.ExtensionHandler;
import dev.bulwark.agent.extension.PackageGate;
import dev.bulwark.agent.extension.SimulatedExtensionHandler;
import dev.bulwark.agent.files.SecureFiles;
import dev.bulwark.agent.handler.ProcessExtensionHandler;
import dev.bulwark.agent.pkg.VerifyingPackageGate;
import dev.bulwark.model.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Set;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One agent process: hosts one machine (HOME) or a simulated fleet (HOME/machines/*) behind a single
 * Kafka consumer and a single producer.
 *
 * <p>Reads {@value Topics#EXTENSION_OPERATIONS} and {@value Topics#GUEST_ASSIGNMENTS}, but only the
 * partitions its machines' keys map to ({@link ConsumedPartitions}, assigned by hand: no group membership,
 * so no rebalance and no session timeout to wait for after a crash), and commits its offsets to its own
 * group id ({@code bulwark-agent-<host id>}). Records of machines hosted elsewhere that share those
 * partitions are skipped after one map lookup. A batch is dispatched to its machines (one machine's records
 * in order, different machines in parallel on a small pool), and its offsets are committed only once every
 * result, report and dead letter of the batch is acknowledged by Kafka; on any failure the batch is read
 * again, which is safe because operations and assignments are idempotent. The consumer never stops for a
 * bad record: it is dead-lettered. While a batch waits (package downloads can take minutes), the consumer
 * keeps polling with its partitions paused, so it reads nothing new and its client stays connected.
 *
 * <p>Writes {@value Topics#EXTENSION_RESULTS}, {@value Topics#GUEST_COMPLIANCE}, the dead-letter topics, and
 * {@value Topics#AGENT_REPORTS}.
 */
public final class AgentHost implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AgentHost.class.getName());
    private static final Duration SINGLE_MACHINE_HANDLER = Duration.ofMillis(200);
    /**
     * Longer than the slowest legitimate package download (Arc: 10 attempts; each may last 30 minutes): the
     * consumer keeps polling meanwhile, so waiting costs nothing but the batch's own progress.
     */
    private static final Duration BATCH_TIMEOUT = Duration.ofHours(6);
    /** Attempts at one machine's operation when its own files fail, before the operation fails there alone. */
    private static final int LOCAL_ATTEMPTS = 3;
    private static final List<String> CONSUMED_TOPICS = List.of(Topics.EXTENSION_OPERATIONS, Topics.GUEST_ASSIGNMENTS);

    private final AgentHostSettings settings;
    private final Map<String, Machine> machines;
    private final String hostId;
    private final HostStats stats = new HostStats();
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final ScheduledExecutorService sync;
    private final PackageGate packageGate;
    private final ExtensionHandler handler;
    /** Stops and restarts hosted extensions when the manager is switched; only real handlers have processes to stop. */
    private final ExtensionManagerWatch managerWatch;
    private final OperationHandler operations;
    private final GuestAssignmentHandler guest;
    private final Producer<byte[], byte[]> producer;
    private final ReportSender reports;
    private final Thread consumerThread;

    private volatile boolean running;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile Set<TopicPartition> assigned = Set.of();
    private volatile Instant lastActivity;
    private volatile String lastError;

    private AgentHost(AgentHostSettings settings, Map<String, Machine> machines) throws IOException {
        this.settings = settings;
        this.machines = machines;
        this.hostId = hostId(settings.home());
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.workers = Executors.newFixedThreadPool(threads, named("bulwark-agent-worker"));
        this.timers = Executors.newSingleThreadScheduledExecutor(named("bulwark-agent-timer"));
        this.sync = Executors.newSingleThreadScheduledExecutor(named("bulwark-agent-sync"));
        Duration handlerDuration = settings.handlerDuration() != null ? settings.handlerDuration()
                : machines.size() == 1 && machines.values().iterator().next().home().equals(settings.home())
                ? SINGLE_MACHINE_HANDLER : Duration.ZERO;
        this.packageGate = settings.packageGate() != null ? settings.packageGate()
                : AgentPlugins.packageGate(settings.home(), VerifyingPackageGate.Options.defaults()
                .withPrivateEndpoint(settings.privateEndpoint()).withDurable(settings.durableState()));
        boolean oneMachine = machines.size() == 1 && machines.values().iterator().next().home().equals(settings.home());
        this.handler = settings.extensionHandler() != null ? settings.extensionHandler()
                : runsRealHandlers(settings.handler(), oneMachine) ? new ProcessExtensionHandler(settings.handlerTimeout())
                : new SimulatedExtensionHandler(handlerDuration, timers, workers);
        this.managerWatch = handler instanceof ProcessExtensionHandler ? new ExtensionManagerWatch(handler) : null;
        this.operations = new OperationHandler(packageGate, handler, workers, settings.clock(),
                new ReplayGuard(settings.operationMaxAge(), settings.clockSkew()), stats);
        this.guest = new GuestAssignmentHandler(settings.home(), settings.clock(), settings.clockSkew(), stats);
        this.producer = new KafkaProducer<>(producerProperties());
        this.reports = new ReportSender(producer, settings.syncInterval(), settings.clock(), stats, guest);
        this.consumerThread = new Thread(this::consume, "bulwark-agent-consumer");
    }

    /** Real handler processes for a home that is one machine (a real server), unless told otherwise. */
    static boolean runsRealHandlers(AgentHostSettings.HandlerKind kind, boolean oneMachine) {
        return kind == AgentHostSettings.HandlerKind.PROCESS || kind == AgentHostSettings.HandlerKind.AUTO && oneMachine;
    }

    /** Loads the machines under the home; fails when none is connected. */
    public static AgentHost create(AgentHostSettings settings) throws IOException {
        Map<String, Machine> machines = MachineDirectory.load(settings.home(), settings.durableState());
        if (machines.isEmpty()) {
            throw new IOException("No connected machine under " + settings.home() + ": run 'bulwark-agent connect"
                    + " --cloud URL --subscription S --resource-group RG --machine NAME [--count N] --home "
                    + settings.home() + "' first.");
        }
        return new AgentHost(settings, machines);
    }

    public void start() {
        running = true;
        consumerThread.start();
        long interval = settings.configCheckInterval().toMillis();
        sync.scheduleWithFixedDelay(() -> {
            reports.check(machines.values());
            if (managerWatch != null) {
                managerWatch.check(machines.values());
            }
        }, 0, interval, TimeUnit.MILLISECONDS);
        LOG.log(System.Logger.Level.INFO, "agent " + hostId + " hosts " + machines.size() + " machine(s) from "
                + settings.home() + ", Kafka " + settings.bootstrapServers() + ", private endpoint "
                + settings.privateEndpoint());
    }

    public Collection<Machine> machines() {
        return machines.values();
    }

    public HostStats stats() {
        return stats;
    }

    public String consumerGroup() {
        return "bulwark-agent-" + hostId;
    }

    public HostStatus status() {
        return new HostStatus(running, consumerThread.isAlive(), assigned.size(), lastActivity, machines.size(), lastError);
    }

    /** The partitions this host reads now: those its machines' keys map to, of the topics that exist. */
    public Set<TopicPartition> partitions() {
        return assigned;
    }

    private void consume() {
        try (Consumer<byte[], byte[]> kafka = new KafkaConsumer<>(consumerProperties())) {
            consumer = kafka;
            ConsumedPartitions partitions = new ConsumedPartitions(machines.keySet(), CONSUMED_TOPICS);
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = ConsumerRecords.empty();
                try {
                    if (partitions.refreshIfDue(kafka)) {
                        assigned = partitions.assigned();
                    }
                    if (assigned.isEmpty()) {
                        pause(); // no topic exists yet: nothing to read
                        continue;
                    }
                    batch = kafka.poll(Duration.ofMillis(500));
                    lastActivity = Instant.now();
                    if (!batch.isEmpty()) {
                        awaitWhilePolling(kafka, process(batch));
                        kafka.commitSync(nextOffsets(batch));
                    }
                    lastError = null;
                } catch (WakeupException e) {
                    if (running) {
                        LOG.log(System.Logger.Level.DEBUG, "unexpected wakeup");
                    }
                } catch (Exception e) {
                    lastError = e.toString();
                    stats.batchRetries.increment();
                    LOG.log(System.Logger.Level.WARNING, "batch failed, reading it again: " + e, e);
                    rewind(kafka, batch);
                    pause();
                }
            }
        } catch (RuntimeException e) {
            lastError = e.toString();
            LOG.log(System.Logger.Level.ERROR, "consumer stopped: " + e, e);
        } finally {
            consumer = null;
        }
    }

    /** Dispatches a batch by key; completes once every record it produced is acknowledged. */
    private CompletableFuture<Void> process(ConsumerRecords<byte[], byte[]> batch) {
        Map<Machine, CompletableFuture<?>> lastOfMachine = new HashMap<>();
        List<CompletableFuture<Void>> acknowledged = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            stats.consumed.increment();
            Machine machine = record.key() == null ? null : machines.get(new String(record.key(), StandardCharsets.UTF_8));
            if (machine == null) {
                stats.ignored.increment();
                continue;
            }
            CompletableFuture<?> previous = lastOfMachine.getOrDefault(machine, CompletableFuture.completedFuture(null));
            // The next record of this machine starts only once this one's output was handed to the producer,
            // so one machine's results and reports leave in the order its records came in.
            boolean assignment = Topics.GUEST_ASSIGNMENTS.equals(record.topic());
            CompletableFuture<CompletableFuture<Void>> sent = previous
                    .handle((ignored, error) -> null)
                    .thenComposeAsync(ignored -> assignment ? guest.handle(machine, record).thenApply(AgentHost::listOf)
                            : operationOnItsOwn(machine, record, 1), workers)
                    .thenApply(this::sendAll);
            lastOfMachine.put(machine, sent);
            acknowledged.add(sent.thenCompose(acknowledgement -> acknowledgement));
        }
        return CompletableFuture.allOf(acknowledged.toArray(CompletableFuture[]::new));
    }

    /**
     * One machine's operation, isolated from the others in the batch: a failure of its own files is tried
     * again {@value #LOCAL_ATTEMPTS} times with back-off, then the operation fails on that machine alone
     * ({@code MachineStorageFailed}) instead of holding the whole batch, and every machine in it, forever.
     */
    private CompletableFuture<List<ProducerRecord<byte[], byte[]>>> operationOnItsOwn(Machine machine,
                                                                                   ConsumerRecord<byte[], byte[]> record,
                                                                                   int attempt) {
        return operations.handle(machine, record).handle((records, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(records);
            }
            if (attempt >= LOCAL_ATTEMPTS) {
                stats.localFailures.increment();
                LOG.log(System.Logger.Level.ERROR, "machine " + machine.machineId() + " failed an operation on its own files "
                        + attempt + " times; failing it there: " + error);
                return CompletableFuture.completedFuture(operations.failLocally(machine, record, error));
            }
            CompletableFuture<List<ProducerRecord<byte[], byte[]>>> retried = new CompletableFuture<>();
            timers.schedule(() -> operationOnItsOwn(machine, record, attempt + 1).whenComplete((r, e) -> {
                if (e != null) {
                    retried.completeExceptionally(e);
                } else {
                    retried.complete(r);
                }
            }), 250L << attempt, TimeUnit.MILLISECONDS);
            return retried;
        }).thenCompose(future -> future);
    }

    /**
     * Waits for a batch while polling with every partition paused, so the consumer reads nothing new
     * meanwhile (however long package downloads take) and its client keeps its connections and metadata.
     */
    private void awaitWhilePolling(Consumer<byte[], byte[]> kafka, CompletableFuture<Void> batch) throws Exception {
        long deadline = System.nanoTime() + BATCH_TIMEOUT.toNanos();
        kafka.pause(kafka.assignment());
        try {
            while (true) {
                try {
                    batch.get(200, TimeUnit.MILLISECONDS);
                    lastActivity = Instant.now();
                    return;
                } catch (TimeoutException stillRunning) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new TimeoutException("the batch did not finish within " + BATCH_TIMEOUT);
                    }
                    ConsumerRecords<byte[], byte[]> stray = kafka.poll(Duration.ZERO);
                    if (!stray.isEmpty()) {
                        rewind(kafka, stray); // not expected while paused: read them after this batch
                    }
                    lastActivity = Instant.now();
                }
            }
        } finally {
            kafka.resume(kafka.paused());
        }
    }

    /** Hands a machine's records for one input record to the producer, in order; completes once all are acknowledged. */
    private CompletableFuture<Void> sendAll(List<ProducerRecord<byte[], byte[]>> records) {
        return CompletableFuture.allOf(records.stream().map(this::send).toArray(CompletableFuture[]::new));
    }

    private static List<ProducerRecord<byte[], byte[]>> listOf(ProducerRecord<byte[], byte[]> record) {
        return record == null ? List.of() : List.of(record);
    }

    /** Hands a record to the producer; null (nothing to publish) is acknowledged at once. */
    private CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        if (record == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                acknowledged.completeExceptionally(error);
            } else {
                acknowledged.complete(metadata);
            }
        });
        return acknowledged;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : batch.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> records = batch.records(partition);
            offsets.put(partition, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private static void rewind(Consumer<byte[], byte[]> kafka, ConsumerRecords<byte[], byte[]> batch) {
        // The assignment changes only between batches, so every partition of the batch is still assigned.
        for (TopicPartition partition : batch.partitions()) {
            kafka.seek(partition, batch.records(partition).get(0).offset());
        }
    }

    private void pause() {
        try {
            Thread.sleep(1000); // back off before reading the failed batch again, or looking for the topics again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        Consumer<byte[], byte[]> kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
        try {
            // Within the 10 s a stop may take in every state: a batch in flight is abandoned (not committed) and read again.
            consumerThread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sync.shutdownNow();
        timers.shutdownNow();
        if (packageGate instanceof AutoCloseable closeable) {
            try {
                closeable.close(); // downloads in flight fail; their batch was not committed and is read again
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing the package gate: " + e);
            }
        }
        workers.shutdown();
        if (handler instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing the extension handler: " + e);
            }
        }
        producer.close(Duration.ofSeconds(3));
    }

    private Properties consumerProperties() {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, consumerGroup());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, consumerGroup() + "-consumer");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A machine connected before the agent first ran must still get the operations sent meanwhile.
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Looking up a missing topic must not create it with the broker's default partition count.
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(settings.maxPollRecords()));
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        overrides(properties, "consumer.");
        return properties;
    }

    private Properties producerProperties() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, consumerGroup() + "-producer");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(128 * 1024));
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        overrides(properties, "producer.");
        return properties;
    }

    /** Extra client settings: {@code consumer.x}/{@code producer.x} for one client, plain keys for both. */
    private void overrides(Properties properties, String prefix) {
        settings.kafka().forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                properties.put(key.substring(prefix.length()), value);
            } else if (!key.startsWith("consumer.") && !key.startsWith("producer.")) {
                properties.put(key, value);
            }
        });
    }

    /** This process's stable id, kept in HOME/host-id so a restart resumes its own consumer group. */
    static String hostId(Path home) throws IOException {
        Path file = home.resolve("host-id");
        if (Files.isRegularFile(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = UUID.randomUUID().toString();
        SecureFiles.writeAtomically(file, (id + "\n").getBytes(StandardCharsets.UTF_8), true);
        return id;
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
