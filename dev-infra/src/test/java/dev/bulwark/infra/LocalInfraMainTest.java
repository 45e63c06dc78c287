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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs LocalInfraMain as a script would, in its own JVM, then kills that JVM with SIGKILL: the broker
 * and PostgreSQL it started must go away by themselves.
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
    void startsEverythingWritesTheCoordinatesAndLeavesNothingWhenKilled() throws Exception {
        Path workDir = Path.of("target", "local-infra-main-test").toAbsolutePath();
        Path envFile = workDir.resolve("infra.env");
        Files.createDirectories(workDir);
        Files.deleteIfExists(envFile);
        main = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dslf4j.provider=" + System.getProperty("slf4j.provider", ""),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                LocalInfraMain.class.getName(), workDir.toString(), envFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("main.log").toFile())
                .start();

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
        try (LocalInfra reused = LocalInfra.start(workDir.resolve("unused"), 4, env)) {
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

        main.destroyForcibly().waitFor();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(accepts(kafka)).as("Kafka still listening on %s", kafka).isFalse();
            assertThat(accepts(postgres)).as("PostgreSQL still listening on %s", postgres).isFalse();
        });
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
