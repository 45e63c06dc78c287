package dev.bulwark.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.bulwark.model.Topics;

/**
 * Runs LocalInfraMain as a script would, in its own JVM, then kills that JVM with SIGKILL: the broker
 * and PostgreSQL it started must go away by themselves, and a LocalInfraMain started again on the same
 * directory goes on with their data, at the same addresses.
 */
class LocalInfraMainTest {

    private Process main;

    @AfterEach
    void killMain() {
        if (main != null) {
            main.destroyForcibly();
        }
    }

    @Test
    void startsEverythingWritesTheCoordinatesLeavesNothingWhenKilledAndGoesOnWithItsDataWhenStartedAgain() throws Exception {
        Path workDir = Path.of("target", "local-infra-main-test").toAbsolutePath();
        Path envFile = workDir.resolve("infra.env");
        FileTree.delete(workDir); // LocalInfraMain keeps what it finds there
        Files.createDirectories(workDir);
        main = startMain(workDir, envFile, "main.log");

        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(envFile) || !main.isAlive());
        assertThat(main.isAlive()).as("LocalInfraMain is running; its output:\n%s", FileTree.tail(workDir.resolve("main.log"), 40)).isTrue();
        Map<String, String> env = parse(Files.readAllLines(envFile));

        assertThat(env).containsKeys("KAFKA_BOOTSTRAP_SERVERS", LocalInfra.KAFKA_CLIENT_CONFIGS, "BULWARK_DB_URL",
                "BULWARK_DB_USER", "BULWARK_DB_PASSWORD", "QUARKUS_DATASOURCE_REACTIVE_URL");
        Path clients = Path.of(env.get(LocalInfra.KAFKA_CLIENT_CONFIGS));
        for (KafkaUser user : KafkaUser.values()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(KafkaClientConfigs.file(clients, user))))
                    .isEqualTo("rw-------");
        }
        // The passwords are in those files only: not in the env file, not in what the launcher printed.
        for (String password : KafkaCredentials.loadOrCreate(workDir.resolve("kafka/credentials.properties")).passwords()) {
            assertThat(Files.readString(envFile)).doesNotContain(password);
            assertThat(Files.readString(workDir.resolve("main.log"))).doesNotContain(password);
        }
        Map<String, Object> adminConfig = new HashMap<>(KafkaClientConfigs.read(clients, KafkaUser.ADMIN));
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.get("KAFKA_BOOTSTRAP_SERVERS"));
        try (Admin admin = Admin.create(adminConfig)) {
            var topics = admin.describeTopics(LocalInfra.bulwarkTopics()).allTopicNames().get();
            assertThat(topics).hasSize(LocalInfra.bulwarkTopics().size());
            topics.values().forEach(t -> assertThat(t.partitions()).hasSize(LocalInfra.DEFAULT_PARTITIONS));
        }
        try (Connection c = DriverManager.getConnection(env.get("BULWARK_DB_URL"), env.get("BULWARK_DB_USER"),
                env.get("BULWARK_DB_PASSWORD"))) {
            assertThat(c.isValid(2)).isTrue();
        }

        // A second LocalInfra told about these servers starts nothing and stops nothing.
        try (LocalInfra reused = LocalInfra.start(workDir.resolve("unused"), LocalInfra.Options.durable(), env)) {
            assertThat(reused.kafkaClientProperties(KafkaUser.AGENT)).isEqualTo(KafkaClientConfigs.read(clients, KafkaUser.AGENT));
            assertThat(reused.quarkusConfig()).containsEntry("kafka.bootstrap.servers", env.get("KAFKA_BOOTSTRAP_SERVERS"))
                    .containsEntry("kafka.sasl.jaas.config", KafkaClientConfigs.read(clients, KafkaUser.CLOUD).get("sasl.jaas.config"))
                    .containsEntry("quarkus.datasource.jdbc.url", env.get("BULWARK_DB_URL"))
                    .containsEntry("quarkus.datasource.reactive.url", env.get("QUARKUS_DATASOURCE_REACTIVE_URL"));
        }
        assertThat(workDir.resolve("unused")).doesNotExist();
        InetSocketAddress kafka = address(env.get("KAFKA_BOOTSTRAP_SERVERS"));
        InetSocketAddress postgres = address(env.get("QUARKUS_DATASOURCE_REACTIVE_URL").replaceAll("^postgresql://|/.*$", ""));
        assertThat(accepts(kafka)).isTrue();
        assertThat(accepts(postgres)).isTrue();

        // Something to find after the restart: a row (committed durably: LocalInfraMain's default) and a record.
        try (Connection c = DriverManager.getConnection(env.get("BULWARK_DB_URL"), env.get("BULWARK_DB_USER"),
                env.get("BULWARK_DB_PASSWORD")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (note text)");
            s.execute("INSERT INTO kept VALUES ('before the kill')");
        }
        Map<String, Object> cloud = new HashMap<>(KafkaClientConfigs.read(clients, KafkaUser.CLOUD));
        cloud.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.get("KAFKA_BOOTSTRAP_SERVERS"));
        try (var producer = new KafkaProducer<>(cloud, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.EXTENSION_OPERATIONS, 0, "machine-1", "before the kill")).get();
        }

        main.destroyForcibly().waitFor();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(accepts(kafka)).as("Kafka still listening on %s", kafka).isFalse();
            assertThat(accepts(postgres)).as("PostgreSQL still listening on %s", postgres).isFalse();
        });

        Files.delete(envFile);
        main = startMain(workDir, envFile, "main-again.log");
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(envFile) || !main.isAlive());
        assertThat(main.isAlive()).as("LocalInfraMain is running again; its output:\n%s",
                FileTree.tail(workDir.resolve("main-again.log"), 40)).isTrue();
        assertThat(parse(Files.readAllLines(envFile))).as("the same coordinates").isEqualTo(env);
        assertThat(Files.readString(workDir.resolve("main-again.log"))).contains("on the data of its previous run");
        try (Connection c = DriverManager.getConnection(env.get("BULWARK_DB_URL"), env.get("BULWARK_DB_USER"),
                env.get("BULWARK_DB_PASSWORD")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT note FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("before the kill");
        }
        Map<String, Object> observer = new HashMap<>(KafkaClientConfigs.read(clients, KafkaUser.OBSERVER));
        observer.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertThat(KafkaRestartTest.valuesIn(observer, new TopicPartition(Topics.EXTENSION_OPERATIONS, 0)))
                .containsExactly("before the kill");
    }

    /**
     * While LocalInfraMain runs, a SIGKILL of the broker or of PostgreSQL is an outage, not the end: it starts the
     * server again on its data, at its address, with a client still connected to the dead one when it died.
     */
    @Test
    void aServerKilledUnderItIsStartedAgainOnItsDataAtItsAddress() throws Exception {
        Path workDir = Path.of("target", "local-infra-main-supervision-test").toAbsolutePath();
        Path envFile = workDir.resolve("infra.env");
        FileTree.delete(workDir);
        Files.createDirectories(workDir);
        main = startMain(workDir, envFile, "main.log");
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(envFile) || !main.isAlive());
        assertThat(main.isAlive()).as("LocalInfraMain is running; its output:\n%s", FileTree.tail(workDir.resolve("main.log"), 40)).isTrue();
        Map<String, String> env = parse(Files.readAllLines(envFile));
        Path clients = Path.of(env.get(LocalInfra.KAFKA_CLIENT_CONFIGS));
        Map<String, Object> cloud = new HashMap<>(KafkaClientConfigs.read(clients, KafkaUser.CLOUD));
        cloud.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.get("KAFKA_BOOTSTRAP_SERVERS"));
        Map<String, Object> observer = new HashMap<>(KafkaClientConfigs.read(clients, KafkaUser.OBSERVER));
        observer.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.get("KAFKA_BOOTSTRAP_SERVERS"));
        try (var producer = new KafkaProducer<>(cloud, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.EXTENSION_OPERATIONS, 0, "machine-1", "before the kill")).get();
        }

        ProcessHandle broker = ProcessHandle.of(Long.parseLong(Files.readString(workDir.resolve("kafka/broker.pid")).trim())).orElseThrow();
        assertThat(broker.destroyForcibly()).as("kill -9 of the broker").isTrue();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            long pid = Long.parseLong(Files.readString(workDir.resolve("kafka/broker.pid")).trim());
            assertThat(pid).isNotEqualTo(broker.pid());
            assertThat(KafkaRestartTest.valuesIn(observer, new TopicPartition(Topics.EXTENSION_OPERATIONS, 0)))
                    .containsExactly("before the kill");
        });

        try (Connection attached = DriverManager.getConnection(env.get("BULWARK_DB_URL"), env.get("BULWARK_DB_USER"),
                env.get("BULWARK_DB_PASSWORD")); Statement s = attached.createStatement()) {
            s.execute("CREATE TABLE kept (note text)");
            s.execute("INSERT INTO kept VALUES ('before the kill')");
            ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(
                    Files.readAllLines(workDir.resolve("pg-embedded/postmaster.pid")).get(0).trim())).orElseThrow();
            assertThat(postmaster.destroyForcibly()).as("kill -9 of PostgreSQL").isTrue();
            postmaster.onExit().get();
        }
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
            try (Connection c = DriverManager.getConnection(env.get("BULWARK_DB_URL"), env.get("BULWARK_DB_USER"),
                    env.get("BULWARK_DB_PASSWORD")); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT note FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("before the kill");
            }
        });
        assertThat(main.isAlive()).isTrue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(workDir.resolve("main.log")))
                .contains("Kafka broker (pid " + broker.pid() + ") was gone: started again on its data at " + env.get("KAFKA_BOOTSTRAP_SERVERS"))
                .contains("PostgreSQL was gone: started again on its data at " + env.get("BULWARK_DB_URL")));
    }

    private static Process startMain(Path workDir, Path envFile, String log) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dslf4j.provider=" + System.getProperty("slf4j.provider", ""),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                LocalInfraMain.class.getName(), workDir.toString(), envFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(log).toFile())
                .start();
    }

    private static Map<String, String> parse(List<String> lines) {
        Map<String, String> env = new HashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1).replaceAll("^'|'$", ""));
        }
        return env;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static boolean accepts(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
