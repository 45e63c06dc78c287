package dev.bulwark.infra;

import dev.bulwark.model.files.PrivateFiles;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * A real Apache Kafka broker (KRaft, one node acting as broker and controller) running in a child
 * JVM. A child process keeps the broker's classpath apart from the caller's (Quarkus test
 * classpaths included), and a fatal broker error cannot halt the caller's JVM. The child exits when
 * this object is closed or when the calling JVM dies (see {@link BrokerMain}).
 *
 * <p>Clients must authenticate (SASL/SCRAM, as one of the {@link KafkaUser}s, with the settings of
 * {@link #clientProperties}) and may do only what {@link KafkaAcls} allows them; anonymous clients are
 * refused. The passwords are generated on the first start and kept in the data directory
 * ({@code credentials.properties}, mode 0600), so a broker started again on the same directory accepts the
 * same clients.
 *
 * <p>A broker started again on its data directory, however the previous one ended ({@code kill -9} included),
 * keeps its storage (cluster id, topics, records, committed offsets, users, ACLs) and, when they are free, its
 * ports. {@link #startFresh} starts on empty storage instead (tests).
 *
 * <p>The broker's jars are the ones the Quarkus BOM pins for kafka-clients, listed at build time in
 * {@code kafka-classpath.txt} inside this jar.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final String CLASSPATH_RESOURCE = "kafka-classpath.txt";
    /** Written once formatted storage served: its cluster id. Storage without it is formatted again. */
    private static final String CLUSTER_FILE = "cluster.properties";
    /** The ports of the last start, taken again when free. */
    private static final String PORTS_FILE = "ports.properties";
    /** The broker process of the last start, to find it should it still run. */
    private static final String PID_FILE = "broker.pid";
    /** As {@code kafka-storage format --add-scram} does by default. */
    private static final int SCRAM_ITERATIONS = 4096;
    /** How long the admin's password may be refused before the start fails (it never is on matching files). */
    private static final Duration AUTHENTICATION_GRACE = Duration.ofSeconds(10);

    private final Process process;
    private final String bootstrapServers;
    private final KafkaCredentials credentials;
    private final Path logFile;
    private final Admin admin;
    private final String clusterId;
    private final boolean reusedData;

    private KafkaBroker(Process process, String bootstrapServers, KafkaCredentials credentials, Path logFile, Admin admin,
                        String clusterId, boolean reusedData) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.credentials = credentials;
        this.logFile = logFile;
        this.admin = admin;
        this.clusterId = clusterId;
        this.reusedData = reusedData;
    }

    /**
     * Starts a broker with its data and log under {@code dataDir}, waiting up to 90 s for it to be ready. Data a
     * broker left there (formatted storage, topics, records, committed offsets) are kept: see {@link #start(Path, Duration)}.
     */
    public static KafkaBroker start(Path dataDir) {
        return start(dataDir, DEFAULT_START_TIMEOUT);
    }

    /**
     * Starts a broker on new, empty storage under {@code dataDir}: whatever a previous broker left there is deleted
     * first (but not its credentials, nor its ports, which are reused when free). For tests.
     */
    public static KafkaBroker startFresh(Path dataDir) {
        return start(dataDir, DEFAULT_START_TIMEOUT, true);
    }

    /**
     * Starts a broker with its data under {@code dataDir}, waits until it answers an Admin request, and creates the
     * ACLs. Storage formatted by an earlier broker there is used again (its cluster id, topics, records, offsets,
     * SCRAM users and ACLs), however that broker ended, {@code kill -9} included; storage that never served
     * (none, or a first start that did not get that far) is formatted anew with every {@link KafkaUser} as a SCRAM
     * user. The client and controller ports of the previous start are taken again when free, so clients that knew
     * the broker find it again.
     *
     * @throws IllegalStateException when the broker exits or is not ready in time (the message ends with the tail of
     *                               the broker's log), or when the storage belongs to another cluster or the
     *                               credentials file does not match its users
     */
    public static KafkaBroker start(Path dataDir, Duration startTimeout) {
        return start(dataDir, startTimeout, false);
    }

    private static KafkaBroker start(Path dataDir, Duration startTimeout, boolean fresh) {
        try {
            Path dir = dataDir.toAbsolutePath();
            Path logDirs = dir.resolve("kraft-logs");
            Files.createDirectories(dir);
            stopLeftover(dir);
            String clusterId = fresh ? null : servedCluster(dir, logDirs);
            boolean reused = clusterId != null;
            if (!reused) {
                FileTree.delete(logDirs);
                Files.deleteIfExists(dir.resolve(CLUSTER_FILE));
                clusterId = Uuid.randomUuid().toString();
            }

            KafkaCredentials credentials = KafkaCredentials.loadOrCreate(dir.resolve("credentials.properties"));
            Properties previousPorts = FileTree.readProperties(dir.resolve(PORTS_FILE));
            int brokerPort = FreePort.reuseOrFind(FileTree.intProperty(previousPorts, "client"));
            int controllerPort = FreePort.reuseOrFind(FileTree.intProperty(previousPorts, "controller"));
            if (controllerPort == brokerPort) {
                controllerPort = FreePort.find();
            }
            FileTree.writeProperties(dir.resolve(PORTS_FILE),
                    Map.of("client", String.valueOf(brokerPort), "controller", String.valueOf(controllerPort)));
            Path properties = writeBrokerProperties(dir, logDirs, brokerPort, controllerPort, credentials);
            Path log4j = writeLog4jConfig(dir);
            Path launcherDir = extractBrokerMain(dir);
            Path logFile = dir.resolve("broker.log");
            if (Files.exists(logFile)) {
                // The previous start's log stays one start longer: after a crash it tells what happened.
                Files.move(logFile, dir.resolve("broker.previous.log"), StandardCopyOption.REPLACE_EXISTING);
            }

            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // Small and quick to start: the broker shares 2 cores with the tests.
                    "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Djava.awt.headless=true",
                    "-Dlog4j2.configurationFile=" + log4j,
                    "-cp", launcherDir + File.pathSeparator + brokerClasspath(),
                    BrokerMain.class.getName(),
                    properties.toString()));
            if (!reused) {
                // Formatting creates the SCRAM users: they must exist before the broker's first start.
                Path scramUsers = dir.resolve("scram-users.txt");
                PrivateFiles.write(scramUsers, (String.join("\n", credentials.formatScramArguments()) + "\n").getBytes(StandardCharsets.UTF_8), false);
                command.add(clusterId);
                command.add(scramUsers.toString());
            }
            // The child's stdin stays an open pipe: closing it (or dying) is how this JVM says "stop".
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            Files.writeString(dir.resolve(PID_FILE), process.pid() + "\n", StandardCharsets.UTF_8);

            String bootstrap = "127.0.0.1:" + brokerPort;
            Map<String, Object> adminConfig = new HashMap<>(credentials.clientProperties(KafkaUser.ADMIN));
            adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            adminConfig.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "250");
            adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "bulwark-dev-infra");
            Admin admin = Admin.create(adminConfig);
            KafkaBroker broker = new KafkaBroker(process, bootstrap, credentials, logFile, admin, clusterId, reused);
            try {
                broker.awaitReady(startTimeout);
                if (reused) {
                    broker.addMissingScramUsers();
                } else {
                    // From now on this storage has served: a later start keeps it.
                    FileTree.writeProperties(dir.resolve(CLUSTER_FILE), Map.of("cluster.id", clusterId));
                }
                KafkaAcls.apply(admin);
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Kafka broker in " + dataDir, e);
        }
    }

    /**
     * The cluster id of storage in {@code logDirs} that an earlier broker formatted and served (it answered an
     * Admin request, which is when {@value #CLUSTER_FILE} is written); null when there is none, or when a first
     * start ended before that (then nothing of value is there, and the storage is formatted again).
     *
     * @throws IllegalStateException when the storage says it is another cluster's than {@value #CLUSTER_FILE} says
     */
    private static String servedCluster(Path dir, Path logDirs) {
        String served = FileTree.readProperties(dir.resolve(CLUSTER_FILE)).getProperty("cluster.id");
        String formatted = FileTree.readProperties(logDirs.resolve("meta.properties")).getProperty("cluster.id");
        if (served == null || formatted == null) {
            return null;
        }
        if (!served.equals(formatted)) {
            throw new IllegalStateException("The Kafka storage in " + logDirs + " belongs to cluster " + formatted
                    + ", but " + dir.resolve(CLUSTER_FILE) + " says this broker's cluster is " + served
                    + ": refusing to use either. Delete " + dir + " to start a new, empty broker there.");
        }
        return served;
    }

    /**
     * A broker still running on this data (its parent died a moment ago and it is shutting down, or it was left
     * behind) holds the storage's lock: wait for it to go, stop it if it does not.
     */
    private static void stopLeftover(Path dir) throws IOException {
        Path pidFile = dir.resolve(PID_FILE);
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return;
        }
        String properties = dir.resolve("server.properties").toString();
        ProcessHandle.of(pid)
                .filter(p -> ProcessArguments.contains(p, properties))
                .ifPresent(leftover -> {
                    System.err.println("bulwark-infra: waiting for the Kafka broker still running on " + dir
                            + " (pid " + leftover.pid() + ") to stop");
                    leftover.destroy();
                    try {
                        leftover.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    } catch (Exception e) {
                        leftover.destroyForcibly();
                        try {
                            leftover.onExit().get(5, TimeUnit.SECONDS);
                        } catch (Exception ignored) {
                            // Starting will say why if the storage is still locked.
                        }
                    }
                });
    }

    /**
     * On storage formatted earlier, the SCRAM users are those of its first start: a {@link KafkaUser} added since
     * then is created here (by the admin, whose password has not changed).
     */
    private void addMissingScramUsers() {
        try {
            Set<String> existing = admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS).keySet();
            List<UserScramCredentialAlteration> missing = new ArrayList<>();
            for (KafkaUser user : KafkaUser.values()) {
                if (!existing.contains(user.userName())) {
                    missing.add(new UserScramCredentialUpsertion(user.userName(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), credentials.password(user)));
                }
            }
            if (!missing.isEmpty()) {
                admin.alterUserScramCredentials(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not check the SCRAM users of the broker at " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the SCRAM users", e);
        }
    }

    /** {@code host:port} of the broker's client listener (SASL_PLAINTEXT) on 127.0.0.1. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * What a client connecting as {@code user} sets besides {@code bootstrap.servers}: {@code security.protocol},
     * {@code sasl.mechanism} and {@code sasl.jaas.config} (which holds the password: never log it).
     */
    public Map<String, String> clientProperties(KafkaUser user) {
        return credentials.clientProperties(user);
    }

    /** A new, modifiable client configuration for {@code user}: bootstrap servers and {@link #clientProperties}. */
    public Map<String, Object> clientConfig(KafkaUser user) {
        Map<String, Object> config = new HashMap<>(clientProperties(user));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /** The KRaft cluster id: the same on every start on the same storage. */
    public String clusterId() {
        return clusterId;
    }

    /** True when this start used storage an earlier broker formatted (and its topics, records and offsets). */
    public boolean reusedData() {
        return reusedData;
    }

    /** The broker's own log (stdout and stderr of the child process); the previous start's is {@code broker.previous.log}. */
    public Path logFile() {
        return logFile;
    }

    /** The child process, e.g. to check that it is gone after {@link #close()}. */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /** Creates the topics that don't exist yet, each with {@code partitions} partitions. */
    public void createTopics(int partitions, String... names) {
        KafkaTopics.create(admin, partitions, Arrays.asList(names));
    }

    /** Stops the broker cleanly (controlled shutdown), forcibly if it takes more than 20 s. */
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Already closed: the child sees end of file either way.
        }
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                System.err.println("bulwark-infra: Kafka broker did not stop within " + STOP_TIMEOUT
                        + ", killing it (pid " + process.pid() + ")");
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        KafkaFuture<Collection<Node>> pending = null;
        Throwable last = null;
        long refusedSince = 0;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The Kafka broker exited with code " + process.exitValue()
                        + " before it was ready. " + logTail());
            }
            if (pending == null) {
                pending = admin.describeCluster().nodes();
            }
            try {
                pending.get(500, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                // Not listening yet: the Admin client keeps reconnecting; look at the process again.
            } catch (ExecutionException e) {
                last = e.getCause();
                pending = null;
                if (last instanceof SaslAuthenticationException) {
                    refusedSince = refusedSince == 0 ? System.nanoTime() : refusedSince;
                    if (System.nanoTime() - refusedSince > AUTHENTICATION_GRACE.toNanos()) {
                        throw new IllegalStateException("The Kafka broker at " + bootstrapServers + " refuses the admin's"
                                + " password from credentials.properties: that file is not the one its storage was"
                                + " formatted with. Put the right one back, or delete " + logFile.getParent()
                                + " to start a new, empty broker there. (" + last.getMessage() + ")");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
            }
        }
        throw new IllegalStateException("The Kafka broker at " + bootstrapServers + " was not ready within "
                + timeout + (last == null ? "" : " (last error: " + last + ")") + ". " + logTail());
    }

    private String logTail() {
        return "Last lines of " + logFile + ":\n" + FileTree.tail(logFile, 30);
    }

    private static Path writeBrokerProperties(Path dir, Path logDirs, int brokerPort, int controllerPort,
                                              KafkaCredentials credentials) throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "CLIENT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "CLIENT://127.0.0.1:" + brokerPort);
        // SASL_PLAINTEXT authenticates every connection but encrypts nothing: fine on 127.0.0.1 only. A
        // cluster reached over a network uses SASL_SSL.
        p.setProperty("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "CLIENT");
        // Clients (and the broker's own inter-broker connections) log in with SCRAM as their KafkaUser.
        p.setProperty("listener.name.client.sasl.enabled.mechanisms", KafkaCredentials.SCRAM_MECHANISM);
        p.setProperty("sasl.mechanism.inter.broker.protocol", KafkaCredentials.SCRAM_MECHANISM);
        p.setProperty("listener.name.client." + KafkaCredentials.SCRAM_MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                credentials.scramJaas(KafkaUser.ADMIN));
        // The controller listener is internal (only this broker talks to it) but authenticated too, with
        // PLAIN: an anonymous principal there would have to be a super user.
        p.setProperty("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
        p.setProperty("listener.name.controller.plain.sasl.jaas.config", credentials.controllerJaas());
        // Nothing is allowed that an ACL does not allow (KafkaAcls); the broker's own user is a super user.
        p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.setProperty("allow.everyone.if.no.acl.found", "false");
        p.setProperty("super.users", KafkaUser.ADMIN.principal());
        p.setProperty("log.dirs", logDirs.toString());
        // One node: every internal topic has one replica.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // The default waits 3 s before the first rebalance of every new group.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // The 128 MiB default is allocated at start and does not fit the small heap.
        p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        // Topics are created on purpose (LocalInfra), so a typo in a topic name fails loudly.
        p.setProperty("auto.create.topics.enable", "false");
        // Fewer threads: 2 cores shared with the tests.
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("background.threads", "2");
        Path file = dir.resolve("server.properties");
        StringWriter text = new StringWriter();
        p.store(text, "Written by dev.bulwark.infra.KafkaBroker");
        PrivateFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8), false); // it holds the admin's password
        return file;
    }

    private static Path writeLog4jConfig(Path dir) throws IOException {
        Path file = dir.resolve("log4j2.properties");
        Files.writeString(file, String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.out.ref = OUT",
                "appender.out.type = Console",
                "appender.out.name = OUT",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                // The full configuration dump at start is long and rarely useful here.
                "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
                "logger.config.level = WARN",
                ""));
        return file;
    }

    /**
     * Copies BrokerMain's class file next to the data. Reading it as a resource works whatever loaded
     * this class (a jar, target/classes, a Quarkus test class loader), where a code-source location may not.
     */
    private static Path extractBrokerMain(Path dir) throws IOException {
        Path launcherDir = dir.resolve("launcher");
        String resource = BrokerMain.class.getName().replace('.', '/') + ".class";
        Path target = launcherDir.resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = KafkaBroker.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + resource + " not found: is dev-infra built?");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return launcherDir;
    }

    private static String brokerClasspath() throws IOException {
        try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource dev/bulwark/infra/" + CLASSPATH_RESOURCE
                        + " not found: it is written by the dev-infra build (maven-dependency-plugin)");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            for (String entry : classpath.split(File.pathSeparator)) {
                if (!Files.exists(Path.of(entry))) {
                    throw new IllegalStateException("The broker classpath names " + entry
                            + ", which does not exist: rebuild dev-infra on this machine");
                }
            }
            return classpath;
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers + ", pid " + process.pid() + "]";
    }

}
