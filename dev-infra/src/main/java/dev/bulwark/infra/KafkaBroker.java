package dev.bulwark.infra;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker (KRaft, one node acting as broker and controller) running in a child
 * JVM. A child process keeps the broker's classpath apart from the caller's (Quarkus test
 * classpaths included), and a fatal broker error cannot halt the caller's JVM. The child exits when
 * this object is closed or when the calling JVM dies (see {@link BrokerMain}).
 *
 * <p>The broker's jars are the ones the Quarkus BOM pins for kafka-clients, listed at build time in
 * {@code kafka-classpath.txt} inside this jar.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final String CLASSPATH_RESOURCE = "kafka-classpath.txt";

    private final Process process;
    private final String bootstrapServers;
    private final Path logFile;
    private final Admin admin;

    private KafkaBroker(Process process, String bootstrapServers, Path logFile, Admin admin) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.logFile = logFile;
        this.admin = admin;
    }

    /** Starts a broker with its data and log under {@code dataDir}, waiting up to 90 s for it to be ready. */
    public static KafkaBroker start(Path dataDir) {
        return start(dataDir, DEFAULT_START_TIMEOUT);
    }

    /**
     * Starts a broker with a fresh log directory under {@code dataDir} (anything a previous broker left
     * there is deleted) and waits until it answers an Admin request.
     *
     * @throws IllegalStateException when the broker exits or is not ready in time; the message ends
     *                               with the tail of the broker's log
     */
    public static KafkaBroker start(Path dataDir, Duration startTimeout) {
        try {
            Path dir = dataDir.toAbsolutePath();
            Path logDirs = dir.resolve("kraft-logs");
            Files.createDirectories(dir);
            FileTree.delete(logDirs);

            int brokerPort = FreePort.find();
            int controllerPort = FreePort.find();
            Path properties = writeBrokerProperties(dir, logDirs, brokerPort, controllerPort);
            Path log4j = writeLog4jConfig(dir);
            Path launcherDir = extractBrokerMain(dir);
            Path logFile = dir.resolve("broker.log");

            List<String> command = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // Small and quick to start: the broker shares 2 cores with the tests.
                    "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Djava.awt.headless=true",
                    "-Dlog4j2.configurationFile=" + log4j,
                    "-cp", launcherDir + File.pathSeparator + brokerClasspath(),
                    BrokerMain.class.getName(),
                    Uuid.randomUuid().toString(),
                    properties.toString());
            // The child's stdin stays an open pipe: closing it (or dying) is how this JVM says "stop".
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();

            String bootstrap = "127.0.0.1:" + brokerPort;
            Admin admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "250",
                    AdminClientConfig.CLIENT_ID_CONFIG, "bulwark-dev-infra"));
            KafkaBroker broker = new KafkaBroker(process, bootstrap, logFile, admin);
            try {
                broker.awaitReady(startTimeout);
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Kafka broker in " + dataDir, e);
        }
    }

    /** {@code host:port} of the broker's PLAINTEXT listener on 127.0.0.1. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's own log (stdout and stderr of the child process). */
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

    private static Path writeBrokerProperties(Path dir, Path logDirs, int brokerPort, int controllerPort)
            throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
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
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "Written by dev.bulwark.infra.KafkaBroker");
        }
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
