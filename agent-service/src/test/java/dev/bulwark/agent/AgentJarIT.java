package dev.bulwark.agent;

import dev.bulwark.agent.testing.TestCloud;
import dev.bulwark.agent.testing.TestTls;
import dev.bulwark.agent.testing.TestStorage;
import dev.bulwark.agent.testing.TopicReader;
import dev.bulwark.infra.KafkaBroker;
import dev.bulwark.infra.KafkaClientConfigs;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged {@code quarkus-run.jar}: CLI verbs answer without starting Quarkus, {@code run} starts the
 * agent with health and metrics and processes operations from a real Kafka broker.
 */
class AgentJarIT {
    private static final Path JAR = Path.of(System.getProperty("bulwark.agent.jar", "target/quarkus-app/quarkus-run.jar"));

    @TempDir
    Path home;

    private record Run(int exit, String output, long millis) {
    }

    private Run cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output, (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void cliVerbsRunWithoutStartingQuarkus() throws Exception {
        Run list = cli("config", "list", "--home", home.toString());

        assertThat(list.exit()).as(list.output()).isZero();
        assertThat(list.output()).startsWith("Local Configuration Settings").doesNotContain("Quarkus");
        Run check = cli("config", "check-extension", "CustomScript", "--home", home.toString());
        assertThat(check.exit()).isEqualTo(2);
        Run notConnected = cli("run", "--home", home.toString(), "--kafka-bootstrap-servers", "127.0.0.1:1");
        assertThat(notConnected.exit()).isNotZero();
        assertThat(notConnected.output()).contains("No connected machine under " + home);
    }

    @Test
    void runHostsTheMachineWithHealthAndMetrics() throws Exception {
        try (KafkaBroker broker = KafkaBroker.startFresh(Path.of("target/kafka/agent-jar-it"));
             TestCloud cloud = new TestCloud()) {
            // No guest-configuration topics: an agent must work where they were never created.
            broker.createTopics(2, Topics.EXTENSION_OPERATIONS, Topics.EXTENSION_RESULTS, Topics.AGENT_REPORTS,
                    Topics.deadLetter(Topics.EXTENSION_OPERATIONS));
            Run connect = cli("connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", cloud.url().toString(), "--ca", TestTls.caFile().toString(),
                    "--subscription", TestCloud.SUBSCRIPTION,
                    "--resource-group", TestCloud.RESOURCE_GROUP, "--machine", "web-01", "--home", home.toString());
            assertThat(connect.exit()).as(connect.output()).isZero();
            assertThat(cli("config", "set", "extensions.blocklist", "Microsoft.Azure.Extensions/CustomScript",
                    "--home", home.toString()).exit()).isZero();

            int port = freePort();
            Path log = home.resolve("agent.log");
            Process agent = startAgent(broker, port, log);
            try (KafkaProducer<byte[], byte[]> producer = producer(broker);
                 TopicReader results = new TopicReader(broker, Topics.EXTENSION_RESULTS)) {
                HttpClient http = HttpClient.newHttpClient();
                await().atMost(Duration.ofSeconds(60)).until(() -> get(http, port, "/q/health/ready").contains("\"UP\""));

                ExtensionOperation allowed = cloud.operation("web-01", OperationKind.INSTALL, "Microsoft.Azure.Monitor/AzureMonitorLinuxAgent");
                ExtensionOperation blocked = cloud.operation("web-01", OperationKind.INSTALL, "Microsoft.Azure.Extensions/CustomScript");
                for (ExtensionOperation operation : List.of(allowed, blocked)) {
                    producer.send(new ProducerRecord<>(Topics.EXTENSION_OPERATIONS,
                            operation.machineId().getBytes(StandardCharsets.UTF_8), Json.encode(operation)));
                }
                producer.flush();

                await().atMost(Duration.ofSeconds(30)).until(() -> results.records().size() >= 2);
                String metrics = get(http, port, "/q/metrics");
                assertThat(metrics).contains("bulwark_agent_operations_succeeded_total 1.0")
                        .contains("bulwark_agent_operations_blocked_total 1.0").contains("bulwark_agent_machines 1.0");
                Run list = cli("extension", "list", "--home", home.toString());
                assertThat(list.output()).contains("AzureMonitorLinuxAgent").doesNotContain("CustomScript ");
                // Private-endpoint mode: the catalog and the package came through the cloud's URL, not from storage.
                String packagePath = TestStorage.packagePath("Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent", "1.0");
                assertThat(cloud.privateEndpointRequests()).contains("/private-endpoint/127.0.0.1" + packagePath,
                        "/private-endpoint/127.0.0.1" + TestStorage.CATALOG_PATH);
                assertThat(cloud.storage().requests(packagePath)).isZero();
                assertThat(Files.readString(log)).as("the agent's log").doesNotContain(agentPassword(broker));
            } finally {
                agent.destroy(); // SIGTERM: a stop takes at most 10 s
                assertThat(agent.waitFor(10, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
            }
        }
    }

    @Test
    void anAgentKilledAndStartedAgainResumesAtOnce() throws Exception {
        try (KafkaBroker broker = KafkaBroker.startFresh(Path.of("target/kafka/agent-jar-it-restart"));
             TestCloud cloud = new TestCloud()) {
            broker.createTopics(2, Topics.EXTENSION_OPERATIONS, Topics.EXTENSION_RESULTS, Topics.AGENT_REPORTS,
                    Topics.GUEST_ASSIGNMENTS, Topics.deadLetter(Topics.EXTENSION_OPERATIONS));
            Run connect = cli("connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", cloud.url().toString(), "--ca", TestTls.caFile().toString(),
                    "--subscription", TestCloud.SUBSCRIPTION,
                    "--resource-group", TestCloud.RESOURCE_GROUP, "--machine", "web-02", "--home", home.toString());
            assertThat(connect.exit()).as(connect.output()).isZero();
            Path log = home.resolve("agent.log");
            HttpClient http = HttpClient.newHttpClient();
            try (KafkaProducer<byte[], byte[]> producer = producer(broker);
                 TopicReader results = new TopicReader(broker, Topics.EXTENSION_RESULTS)) {
                int port = freePort();
                Process first = startAgent(broker, port, log);
                try {
                    await().atMost(Duration.ofSeconds(60)).until(() -> get(http, port, "/q/health/ready").contains("\"UP\""));
                    String before = send(producer, cloud.operation("web-02", OperationKind.DELETE, "Contoso.Restart/Before"));
                    await().atMost(Duration.ofSeconds(30)).until(() -> hasResult(results, before));
                } finally {
                    first.destroyForcibly(); // kill -9: no chance to leave anything tidy
                    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }

                long restart = System.nanoTime();
                Process second = startAgent(broker, freePort(), home.resolve("agent-restarted.log"));
                try {
                    String after = send(producer, cloud.operation("web-02", OperationKind.DELETE, "Contoso.Restart/After"));
                    // A consumer-group member killed this way would hold its partitions for the session timeout (45 s).
                    await().atMost(Duration.ofSeconds(10)).until(() -> hasResult(results, after));
                    assertThat(Duration.ofNanos(System.nanoTime() - restart)).isLessThan(Duration.ofSeconds(10));
                } finally {
                    second.destroy();
                    assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
                }
            }
        }
    }

    private Process startAgent(KafkaBroker broker, int port, Path log) throws IOException {
        ProcessBuilder agent = new ProcessBuilder(javaBin(), "-Xmx256m", "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1", "-jar", JAR.toString(), "run", "--home", home.toString(),
                "--kafka-bootstrap-servers", broker.bootstrapServers(), "--handler-duration", "PT0.05S",
                "--private-endpoint");
        // As a deployment gives them, out of the command line: KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_JAAS_CONFIG...
        agent.environment().putAll(KafkaClientConfigs.asEnvironment(broker.clientProperties(KafkaUser.AGENT)));
        return agent.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String agentPassword(KafkaBroker broker) {
        Matcher password = Pattern.compile("password=\"([^\"]+)\"")
                .matcher(broker.clientProperties(KafkaUser.AGENT).get("sasl.jaas.config"));
        assertThat(password.find()).isTrue();
        return password.group(1);
    }

    private static String send(KafkaProducer<byte[], byte[]> producer, ExtensionOperation operation) {
        producer.send(new ProducerRecord<>(Topics.EXTENSION_OPERATIONS, operation.machineId().getBytes(StandardCharsets.UTF_8),
                Json.encode(operation)));
        producer.flush();
        return operation.operationId();
    }

    private static boolean hasResult(TopicReader results, String operationId) {
        return results.records().stream().anyMatch(r -> Json.tree(r.value()).path("operationId").asText().equals(operationId));
    }

    private static String get(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** What the cloud would send, sent as the cloud (the only user allowed to). */
    private static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
        Map<String, Object> config = broker.clientConfig(KafkaUser.CLOUD);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(config);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
