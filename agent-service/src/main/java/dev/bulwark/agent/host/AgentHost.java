package dev.bulwark.agent.host;

import dev.bulwark.agent.AgentPlugins;
import dev.bulwark.agent.extension.ExtensionHandler;
import dev.bulwark.agent.extension.PackageGate;
import dev.bulwark.agent.extension.SimulatedExtensionHandler;
import dev.bulwark.agent.handler.ProcessExtensionHandler;
import dev.bulwark.agent.pkg.VerifyingPackageGate;
import dev.bulwark.model.DeadLetterRecords;
import dev.bulwark.model.Topics;
import dev.bulwark.model.files.PrivateFiles;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One agent process: hosts one machine (HOME) or a simulated fleet (HOME/machines/*) behind a single
 * Kafka consumer and a single producer.
 *
 * <p>Reads {@value Topics#EXTENSION_OPERATIONS} and {@value Topics#GUEST_ASSIGNMENTS}, but only the
 * partitions its machines' keys map to ({@link ConsumedPartitions}, assigned by hand: no group membership,
 * so no rebalance and no session timeout to wait for after a crash), and commits its offsets to its own
 * group id ({@code bulwark-agent-<host id>}). Records of machines hosted elsewhere that share those
 * partitions are skipped after one map lookup. Each record runs behind the previous record of its machine
 * and beside other machines' records, on a small pool; the consumer never waits for them. A partition's
 * offset is committed up to its first record not yet finished ({@link InFlightOffsets}), a record being
 * finished once every result, report and dead letter it produced is acknowledged by Kafka: a slow download
 * or a hung handler holds its own machine and that commit, never the other machines, and after a crash
 * the records past the commit are read again, which is safe because operations and assignments are
 * idempotent. The consumer never stops for a bad record: it is dead-lettered.
 *
 * <p>Writes {@value Topics#EXTENSION_RESULTS}, {@value Topics#GUEST_COMPLIANCE}, the dead-letter topics, and
 * {@value Topics#AGENT_REPORTS}.
 */
public final class AgentHost implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AgentHost.class.getName());
    private static final Duration SINGLE_MACHINE_HANDLER = Duration.ofMillis(200);
    /** Records read and not finished, beyond which the host stops reading until some finish. */
    private static final int MAX_UNFINISHED = 20_000;
    private static final Duration PUBLISH_BACKOFF = Duration.ofSeconds(1);
    private static final Duration PUBLISH_BACKOFF_CAP = Duration.ofSeconds(30);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
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
    private final InFlightOffsets inFlight = new InFlightOffsets();
    /** Each machine's latest record in flight, which its next record waits for. */
    private final Map<Machine, CompletableFuture<Void>> lastOfMachine = new ConcurrentHashMap<>();

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
                try {
                    if (partitions.refreshIfDue(kafka)) {
                        assigned = partitions.assigned();
                    }
                    if (assigned.isEmpty()) {
                        pause(); // no topic exists yet: nothing to read
                        continue;
                    }
                    throttle(kafka);
                    for (ConsumerRecord<byte[], byte[]> record : kafka.poll(Duration.ofMillis(200))) {
                        dispatch(record);
                    }
                    lastActivity = Instant.now();
                    commit(kafka);
                    lastError = null;
                } catch (WakeupException e) {
                    if (running) {
                        LOG.log(System.Logger.Level.DEBUG, "unexpected wakeup");
                    }
                } catch (Exception e) {
                    lastError = e.toString();
                    LOG.log(System.Logger.Level.WARNING, "consumer failed, going on: " + e, e);
                    pause();
                }
            }
            commitOnStop(kafka);
        } catch (RuntimeException e) {
            lastError = e.toString();
            LOG.log(System.Logger.Level.ERROR, "consumer stopped: " + e, e);
        } finally {
            consumer = null;
        }
    }

    /**
     * Starts one record's work behind the previous record of the same machine, so that a machine's records run,
     * and its results and reports leave, in the order they came in, while other machines go on in parallel.
     */
    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        stats.consumed.increment();
        Machine machine = record.key() == null ? null : machines.get(new String(record.key(), StandardCharsets.UTF_8));
        if (machine == null) {
            stats.ignored.increment();
            inFlight.skipped(record);
            return;
        }
        inFlight.read(record);
        CompletableFuture<Void> previous = lastOfMachine.getOrDefault(machine, DONE);
        CompletableFuture<Void> delivered = previous.handle((ignored, error) -> null)
                .thenComposeAsync(ignored -> deliver(machine, record, 1), workers);
        lastOfMachine.put(machine, delivered);
        delivered.whenComplete((ignored, error) -> {
            if (error == null) {
                inFlight.finished(record); // else only on stop: not committed, read again by the next start
            }
            lastOfMachine.remove(machine, delivered);
        });
    }

    /**
     * Handles a record and publishes what it produced; completes once Kafka acknowledged all of it. Publishing
     * is retried, alone and with a capped back-off, until it succeeds: a broker that is away or refuses (an ACL,
     * a quota) holds this record's commit and its machine's next records, never the other machines, and a
     * redelivery is answered from the stored result, so nothing runs twice.
     */
    private CompletableFuture<Void> deliver(Machine machine, ConsumerRecord<byte[], byte[]> record, int attempt) {
        CompletableFuture<List<ProducerRecord<byte[], byte[]>>> output = Topics.GUEST_ASSIGNMENTS.equals(record.topic())
                ? guest.handle(machine, record).thenApply(AgentHost::listOf)
                : operationOnItsOwn(machine, record, 1);
        return output.thenCompose(this::sendAll).handle((ignored, error) -> {
            if (error == null) {
                return DONE;
            }
            if (!running) {
                return CompletableFuture.<Void>failedFuture(error);
            }
            stats.publishRetries.increment();
            Duration delay = PUBLISH_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 5));
            delay = delay.compareTo(PUBLISH_BACKOFF_CAP) < 0 ? delay : PUBLISH_BACKOFF_CAP;
            LOG.log(System.Logger.Level.WARNING, "machine " + machine.machineId() + ": publishing the outcome of "
                    + record.topic() + "-" + record.partition() + "@" + record.offset() + " failed (attempt " + attempt
                    + "), trying again in " + delay + ": " + error);
            return later(delay, () -> deliver(machine, record, attempt + 1));
        }).thenCompose(future -> future);
    }

    /**
     * One machine's operation, isolated from the others: a failure of its own files is tried again
     * {@value #LOCAL_ATTEMPTS} times with back-off, then the operation fails on that machine alone
     * ({@code MachineStorageFailed}) instead of being retried forever.
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
            return later(Duration.ofMillis(250L << attempt), () -> operationOnItsOwn(machine, record, attempt + 1));
        }).thenCompose(future -> future);
    }

    /** {@code work} started after {@code delay} on the timer, as one future. */
    private <T> CompletableFuture<T> later(Duration delay, Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        timers.schedule(() -> work.get().whenComplete((value, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        }), delay.toMillis(), TimeUnit.MILLISECONDS);
        return result;
    }

    /**
     * Stops reading while {@value #MAX_UNFINISHED} records are unfinished (the consumer keeps polling, paused, so
     * its client stays connected), and reads again once they drop below: memory stays bounded however long one
     * machine's download takes, and the other machines' records are read meanwhile.
     */
    private void throttle(Consumer<byte[], byte[]> kafka) {
        if (inFlight.unfinished() >= MAX_UNFINISHED) {
            kafka.pause(kafka.assignment());
        } else if (!kafka.paused().isEmpty()) {
            kafka.resume(kafka.paused());
        }
    }

    /** Commits, without waiting, how far each partition is finished; a failed commit is made again on the next round. */
    private void commit(Consumer<byte[], byte[]> kafka) {
        Map<TopicPartition, OffsetAndMetadata> offsets = inFlight.committable();
        if (!offsets.isEmpty()) {
            kafka.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    LOG.log(System.Logger.Level.WARNING, "committing offsets failed, committing again: " + error);
                    inFlight.commitFailed();
                }
            });
        }
    }

    private void commitOnStop(Consumer<byte[], byte[]> kafka) {
        try {
            inFlight.commitFailed(); // all of them, whatever the last asynchronous commit did
            kafka.commitSync(inFlight.committable(), Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "offsets not committed on stop (read again on the next start): " + e);
        }
    }

    /** Hands a machine's records for one input record to the producer, in order; completes once all are acknowledged. */
    private CompletableFuture<Void> sendAll(List<ProducerRecord<byte[], byte[]>> records) {
        return CompletableFuture.allOf(records.stream().map(this::send).toArray(CompletableFuture[]::new));
    }

    private static List<ProducerRecord<byte[], byte[]>> listOf(ProducerRecord<byte[], byte[]> record) {
        return record == null ? List.of() : List.of(record);
    }

    /**
     * Hands a record to the producer; null (nothing to publish) is acknowledged at once. A dead letter the broker
     * finds too large once its headers are added (the refused record was already near the limit) is sent again
     * without its value, as the cloud does: retried as it is, it would hold its machine forever.
     */
    private CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        if (record == null) {
            return CompletableFuture.completedFuture(null);
        }
        return sendOnce(record).exceptionallyComposeAsync(error -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof RecordTooLargeException && Topics.isDeadLetter(record.topic()) && record.value() != null) {
                LOG.log(System.Logger.Level.WARNING, "a dead letter on " + record.topic() + " is sent without its value of "
                        + record.value().length + " bytes: with the dead-letter headers it is larger than the broker accepts");
                return sendOnce(DeadLetterRecords.withoutValue(record));
            }
            return CompletableFuture.failedFuture(cause);
        }, timers); // not on the producer's own thread, which must never wait for a send
    }

    private CompletableFuture<RecordMetadata> sendOnce(ProducerRecord<byte[], byte[]> record) {
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

    private void pause() {
        try {
            Thread.sleep(1000); // back off after a consumer failure, or before looking for the topics again
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
            // Within the 10 s a stop may take in every state: what is finished is committed, records in flight are read again.
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
        PrivateFiles.write(file, (id + "\n").getBytes(StandardCharsets.UTF_8), true);
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
