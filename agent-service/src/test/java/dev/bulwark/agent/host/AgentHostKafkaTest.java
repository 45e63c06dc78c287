package dev.bulwark.agent.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.cli.AgentCli;
import dev.bulwark.agent.extension.MachineState;
import dev.bulwark.agent.extension.ProtectedSettingsVault;
import dev.bulwark.agent.extension.StateStore;
import dev.bulwark.agent.identity.IdentityStore;
import dev.bulwark.agent.testing.SharedKafka;
import dev.bulwark.agent.testing.TestCloud;
import dev.bulwark.agent.testing.TestTls;
import dev.bulwark.agent.testing.TopicReader;
import dev.bulwark.infra.KafkaBroker;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.model.AgentReport;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import dev.bulwark.model.crypto.OperationBatchSigner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One agent process hosting a simulated fleet with different local rules, on a real Kafka broker:
 * operations signed like the cloud signs them go in with a plain producer, results and reports are read
 * back with a plain consumer and their machine signatures checked. Installs and upgrades name real packages
 * and a signed catalog served over HTTP ({@link dev.bulwark.agent.testing.TestStorage}); the machines trust
 * its catalog key because {@code connect} stored the key the cloud offered.
 */
class AgentHostKafkaTest {
    private static final String CUSTOM_SCRIPT = "Microsoft.Azure.Extensions/CustomScript";
    private static final String AZURE_MONITOR = "Microsoft.Azure.Monitor/AzureMonitorLinuxAgent";

    /** The fleet: sim-0001 .. sim-0008, each with its own local rules. */
    private static final String NO_RULES = "sim-0001";
    private static final String ALLOWLIST = "sim-0002";
    private static final String BLOCKLIST = "sim-0003";
    private static final String ALLOW_NONE = "sim-0004";
    private static final String MONITOR = "sim-0005";
    private static final String DISABLED = "sim-0006";
    private static final String CHANGING = "sim-0007";
    private static final String REDELIVERY = "sim-0008";

    private static KafkaBroker broker;
    private static TestCloud cloud;
    private static Path home;
    private static AgentHost host;
    private static KafkaProducer<byte[], byte[]> producer;
    private static TopicReader results;
    private static TopicReader reports;
    private static TopicReader deadLetters;

    @BeforeAll
    static void startFleet() throws IOException {
        broker = SharedKafka.broker();
        cloud = new TestCloud();
        home = Files.createTempDirectory("bulwark-agent-host-test");
        cli("connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", cloud.url().toString(), "--ca", TestTls.caFile().toString(),
                "--subscription", TestCloud.SUBSCRIPTION,
                "--resource-group", TestCloud.RESOURCE_GROUP, "--machine", "sim", "--count", "8");
        cliOn(ALLOWLIST, "config", "set", "extensions.allowlist", AZURE_MONITOR);
        cliOn(BLOCKLIST, "config", "set", "extensions.blocklist", CUSTOM_SCRIPT);
        cliOn(ALLOW_NONE, "config", "set", "extensions.allowlist", "Allow/None");
        cliOn(MONITOR, "config", "set", "extensions.allowlist", CUSTOM_SCRIPT);
        cliOn(MONITOR, "config", "set", "config.mode", "monitor");
        cliOn(DISABLED, "config", "set", "extensions.enabled", "false");

        AgentHostSettings.Builder settings = AgentHostSettings.builder(home, broker.bootstrapServers())
                .configCheckInterval(Duration.ofMillis(200))
                .syncInterval(Duration.ofMinutes(10))
                .handlerDuration(Duration.ofMillis(20))
                .durableState(false);
        broker.clientProperties(KafkaUser.AGENT).forEach(settings::kafka);
        host = AgentHost.create(settings.build());
        host.start();
        // What the cloud would send, sent as the cloud (the only user allowed to).
        Map<String, Object> cloudConfig = broker.clientConfig(KafkaUser.CLOUD);
        cloudConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        cloudConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(cloudConfig);
        results = new TopicReader(broker, Topics.EXTENSION_RESULTS);
        reports = new TopicReader(broker, Topics.AGENT_REPORTS);
        deadLetters = new TopicReader(broker, Topics.deadLetter(Topics.EXTENSION_OPERATIONS));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[]{results, reports, deadLetters, producer, host, cloud}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
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

    @Test
    void eachMachineDecidesByItsOwnLocalRules() {
        record Case(String machine, String extension, String expectedError) {
        }
        List<Case> cases = List.of(
                new Case(NO_RULES, CUSTOM_SCRIPT, null),
                new Case(NO_RULES, AZURE_MONITOR, null),
                new Case(ALLOWLIST, CUSTOM_SCRIPT, "ExtensionBlockedByAllowlist"),
                new Case(ALLOWLIST, AZURE_MONITOR, null),
                new Case(BLOCKLIST, CUSTOM_SCRIPT, "ExtensionBlockedByBlocklist"),
                new Case(BLOCKLIST, AZURE_MONITOR, null),
                new Case(ALLOW_NONE, CUSTOM_SCRIPT, "ExtensionBlockedByAllowlist"),
                new Case(ALLOW_NONE, AZURE_MONITOR, "ExtensionBlockedByAllowlist"),
                new Case(MONITOR, CUSTOM_SCRIPT, "ExtensionBlockedByMonitorMode"),
                new Case(MONITOR, AZURE_MONITOR, null),
                new Case(DISABLED, CUSTOM_SCRIPT, "ExtensionManagerDisabled"),
                new Case(DISABLED, AZURE_MONITOR, "ExtensionManagerDisabled"));
        Map<String, Case> byOperation = new HashMap<>();
        for (Case c : cases) {
            ExtensionOperation operation = cloud.operation(c.machine(), OperationKind.INSTALL, c.extension());
            byOperation.put(operation.operationId(), c);
            send(operation);
        }

        for (Map.Entry<String, Case> expected : byOperation.entrySet()) {
            OperationResult result = awaitResult(expected.getKey());
            Case c = expected.getValue();
            assertThat(result.machineId()).isEqualTo(TestCloud.machineId(c.machine()));
            if (c.expectedError() == null) {
                assertThat(result.status()).as("%s on %s: %s", c.extension(), c.machine(), result.message())
                        .isEqualTo(ResultStatus.Succeeded);
                assertThat(result.instanceView().status().code()).isEqualTo("ProvisioningState/succeeded");
            } else {
                assertThat(result.status()).as("%s on %s", c.extension(), c.machine()).isEqualTo(ResultStatus.Failed);
                assertThat(result.errorCode()).isEqualTo(c.expectedError());
                assertThat(result.message()).contains(c.extension()).contains("bulwark-agent config set");
                assertThat(result.instanceView().status().code()).isEqualTo("ProvisioningState/failed/" + c.expectedError());
            }
        }
    }

    @Test
    void updateOfAMissingExtensionAndDeletesFollowTheRules() {
        OperationResult update = awaitResult(send(cloud.operation(ALLOWLIST, OperationKind.UPDATE, AZURE_MONITOR)));
        OperationResult blockedUpgrade = awaitResult(send(cloud.operation(BLOCKLIST, OperationKind.UPGRADE, CUSTOM_SCRIPT)));
        OperationResult deleteOnAllowNone = awaitResult(send(cloud.operation(ALLOW_NONE, OperationKind.DELETE, CUSTOM_SCRIPT)));
        OperationResult deleteWhenDisabled = awaitResult(send(cloud.operation(DISABLED, OperationKind.DELETE, AZURE_MONITOR)));

        assertThat(update.errorCode()).isIn("ExtensionNotInstalled", null);
        assertThat(blockedUpgrade.errorCode()).isEqualTo("ExtensionBlockedByBlocklist");
        assertThat(deleteOnAllowNone.status()).isEqualTo(ResultStatus.Succeeded);
        assertThat(deleteWhenDisabled.errorCode()).isEqualTo("ExtensionManagerDisabled");
    }

    @Test
    void protectedSettingsReachTheMachineAndStayEncryptedAtRest() throws IOException {
        ObjectNode settings = Json.MAPPER.createObjectNode().put("workspaceId", "ws-1");
        ExtensionOperation install = cloud.operation(NO_RULES, OperationKind.INSTALL, "Microsoft.Azure.Monitor",
                "AzureMonitorWindowsAgent", "1.2", settings, "{\"workspaceKey\":\"s3cr3t-value\"}");

        assertThat(awaitResult(send(install)).status()).isEqualTo(ResultStatus.Succeeded);

        Path machineHome = home.resolve("machines").resolve(NO_RULES);
        ProtectedSettingsVault vault = new ProtectedSettingsVault(machineHome, new IdentityStore(machineHome), false);
        byte[] atRest = Files.readAllBytes(vault.file("AzureMonitorWindowsAgent"));
        assertThat(new String(atRest, StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t-value");
        assertThat(new String(vault.load(TestCloud.machineId(NO_RULES), "AzureMonitorWindowsAgent"), StandardCharsets.UTF_8))
                .isEqualTo("{\"workspaceKey\":\"s3cr3t-value\"}");
        assertThat(Files.readString(machineHome.resolve("state.json"))).doesNotContain("s3cr3t-value");
    }

    @Test
    void aRedeliveredOperationRunsOnceAndGetsTheSameResult() throws IOException {
        ExtensionOperation update = cloud.operation(REDELIVERY, OperationKind.INSTALL, AZURE_MONITOR);
        long duplicatesBefore = host.stats().duplicates.sum();

        send(update);
        send(update);

        await().atMost(Duration.ofSeconds(30)).until(() -> resultsFor(update.operationId()).size() == 2);
        List<ConsumerRecord<byte[], byte[]>> both = resultsFor(update.operationId());
        assertThat(both.get(0).value()).isEqualTo(both.get(1).value());
        assertThat(host.stats().duplicates.sum() - duplicatesBefore).isEqualTo(1);
        MachineState state = new StateStore(home.resolve("machines").resolve(REDELIVERY), false).read();
        assertThat(state.installed("AzureMonitorLinuxAgent").settingsSequence()).isZero();
    }

    @Test
    void unusableRecordsAreDeadLetteredAndLaterRecordsStillProcessed() {
        String key = TestCloud.machineId(REDELIVERY);
        long before = lettersFor(key).size();

        producer.send(new ProducerRecord<>(Topics.EXTENSION_OPERATIONS, bytes(key), bytes("this is not JSON")));
        ExtensionOperation forgedOperation = cloud.operation(REDELIVERY, OperationKind.INSTALL, CUSTOM_SCRIPT);
        ExtensionOperation forged = OperationBatchSigner.sign(List.of(forgedOperation.withSignature(null)),
                Ed25519.signingKey(Ed25519.generate().getPrivate())).get(0);
        send(forged);
        ExtensionOperation otherMachines = cloud.operation(NO_RULES, OperationKind.INSTALL, CUSTOM_SCRIPT);
        producer.send(new ProducerRecord<>(Topics.EXTENSION_OPERATIONS, bytes(key), Json.encode(otherMachines)));
        producer.send(new ProducerRecord<>(Topics.EXTENSION_OPERATIONS, bytes(TestCloud.machineId("not-hosted-here")),
                bytes("ignored: no machine of this agent")));
        String good = send(cloud.operation(REDELIVERY, OperationKind.INSTALL, "Qualys/LinuxAgent.AzureSecurityCenter"));

        assertThat(awaitResult(good).status()).isEqualTo(ResultStatus.Succeeded);
        // The dead-letter topic is shared with the other host tests: only this machine's letters count.
        await().atMost(Duration.ofSeconds(30)).until(() -> lettersFor(key).size() - before >= 3);
        List<ConsumerRecord<byte[], byte[]>> letters = lettersFor(key).subList((int) before, lettersFor(key).size());
        assertThat(letters).extracting(r -> header(r, DeadLetter.REASON))
                .containsExactly("MalformedMessage", "SignatureInvalid", "MachineIdMismatch");
        assertThat(letters).allSatisfy(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(key);
            assertThat(header(r, DeadLetter.SOURCE_TOPIC)).isEqualTo(Topics.EXTENSION_OPERATIONS);
            assertThat(header(r, DeadLetter.DETAIL)).isNotBlank();
        });
        assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("this is not JSON");
        assertThat(resultsFor(forged.operationId())).isEmpty();
        assertThat(resultsFor(otherMachines.operationId())).isEmpty();
    }

    @Test
    void aLocalChangeAppliesToTheNextOperationAndIsReportedWithItsChangeTime() throws IOException {
        OperationResult first = awaitResult(send(cloud.operation(CHANGING, OperationKind.INSTALL, CUSTOM_SCRIPT)));
        assertThat(first.status()).isEqualTo(ResultStatus.Succeeded);
        assertThat(first.configurationChangedAt()).as("never configured").isNull();

        cliOn(CHANGING, "config", "set", "extensions.blocklist", CUSTOM_SCRIPT);
        Instant changedAt = Instant.ofEpochMilli(Files.getLastModifiedTime(
                home.resolve("machines").resolve(CHANGING).resolve("localconfig.json")).toMillis());

        OperationResult second = awaitResult(send(cloud.operation(CHANGING, OperationKind.UPDATE, CUSTOM_SCRIPT)));
        assertThat(second.errorCode()).isEqualTo("ExtensionBlockedByBlocklist");
        assertThat(second.configurationChangedAt()).isEqualTo(changedAt);
        await().atMost(Duration.ofSeconds(30)).until(() -> latestReport(CHANGING)
                .map(r -> r.configuration().extensionsBlockList().toString().contains(CUSTOM_SCRIPT)).orElse(false));
        AgentReport report = latestReport(CHANGING).orElseThrow();
        assertThat(report.extensions()).extracting(e -> e.name()).contains("CustomScript");
        assertThat(report.configuration().changedAt()).isEqualTo(changedAt);
    }

    @Test
    void operationsSignedAsOneBatchAreEachVerifiedOnTheirOwnAndATamperedOneIsRefused() {
        List<ExtensionOperation> batch = cloud.signBatch(List.of(
                cloud.operation(NO_RULES, OperationKind.INSTALL, "Contoso.Batch/First"),
                cloud.operation(BLOCKLIST, OperationKind.INSTALL, CUSTOM_SCRIPT),
                cloud.operation(ALLOWLIST, OperationKind.INSTALL, AZURE_MONITOR),
                cloud.operation(ALLOW_NONE, OperationKind.INSTALL, AZURE_MONITOR)));
        ExtensionOperation genuine = batch.get(3);
        // Same proof and root signature, another kind: what a broker-side attacker could try.
        ExtensionOperation tampered = new ExtensionOperation(genuine.schemaVersion(), genuine.operationId(),
                genuine.correlationId(), genuine.machineId(), genuine.sequence(), OperationKind.DELETE, genuine.extension(),
                genuine.packageRef(), genuine.catalog(), genuine.issuedAt(), genuine.signature());
        String key = TestCloud.machineId(ALLOW_NONE);
        long lettersBefore = lettersFor(key).size();

        batch.subList(0, 3).forEach(AgentHostKafkaTest::send);
        send(tampered);

        assertThat(batch.get(3).signature().size()).isEqualTo(4);
        assertThat(awaitResult(batch.get(0).operationId()).status()).isEqualTo(ResultStatus.Succeeded);
        assertThat(awaitResult(batch.get(1).operationId()).errorCode()).isEqualTo("ExtensionBlockedByBlocklist");
        assertThat(awaitResult(batch.get(2).operationId()).status()).isEqualTo(ResultStatus.Succeeded);
        await().atMost(Duration.ofSeconds(30)).until(() -> lettersFor(key).size() > lettersBefore);
        assertThat(header(lettersFor(key).get((int) lettersBefore), DeadLetter.REASON)).isEqualTo("SignatureInvalid");
        assertThat(resultsFor(tampered.operationId())).isEmpty();
    }

    @Test
    void settingsThatLookLikeLocalConfigurationChangeNothingLocally() throws IOException {
        Path config = home.resolve("machines").resolve(MONITOR).resolve("localconfig.json");
        byte[] before = Files.readAllBytes(config);
        ObjectNode settings = Json.MAPPER.createObjectNode().put("extensions.allowlist", "x/y").put("config.mode", "full")
                .put("extensions.enabled", false);
        settings.putObject("localconfig.json").put("extensions.blocklist", AZURE_MONITOR);

        ExtensionOperation operation = cloud.operation(MONITOR, OperationKind.INSTALL, "Microsoft.Azure.Monitor",
                "AzureMonitorWindowsAgent", "1.0", settings, "{\"config.mode\":\"full\"}");
        assertThat(awaitResult(send(operation)).status()).isEqualTo(ResultStatus.Succeeded);

        assertThat(Files.readAllBytes(config)).isEqualTo(before);
        assertThat(awaitResult(send(cloud.operation(MONITOR, OperationKind.INSTALL, CUSTOM_SCRIPT))).errorCode())
                .isEqualTo("ExtensionBlockedByMonitorMode");
    }

    @Test
    void everyMachineReportsAtStartWithItsEffectiveConfiguration() {
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of(NO_RULES, ALLOWLIST, BLOCKLIST, ALLOW_NONE, MONITOR,
                DISABLED, CHANGING, REDELIVERY).stream().allMatch(m -> latestReport(m).isPresent()));

        AgentReport monitor = latestReport(MONITOR).orElseThrow();
        assertThat(monitor.configuration().configMode()).isEqualTo("monitor");
        assertThat(monitor.configuration().guestConfigurationEnabled()).isFalse();
        assertThat(monitor.configuration().extensionsAllowList().toString()).contains(AZURE_MONITOR).doesNotContain(CUSTOM_SCRIPT);
        assertThat(latestReport(DISABLED).orElseThrow().configuration().extensionsEnabled()).isFalse();
        assertThat(latestReport(ALLOW_NONE).orElseThrow().configuration().extensionsAllowList().toString()).contains("Allow/None");
    }

    // --- helpers

    private static String send(ExtensionOperation operation) {
        producer.send(new ProducerRecord<>(Topics.EXTENSION_OPERATIONS, bytes(operation.machineId()), Json.encode(operation)));
        producer.flush();
        return operation.operationId();
    }

    private static List<ConsumerRecord<byte[], byte[]>> lettersFor(String key) {
        return deadLetters.records().stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(key)).toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> resultsFor(String operationId) {
        return results.records().stream()
                .filter(r -> Json.tree(r.value()).path("operationId").asText().equals(operationId)).toList();
    }

    /** The result of {@code operationId}, once published; its key and machine signature are checked. */
    private static OperationResult awaitResult(String operationId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !resultsFor(operationId).isEmpty());
        ConsumerRecord<byte[], byte[]> record = resultsFor(operationId).get(0);
        JsonNode tree = Json.tree(record.value());
        OperationResult result = Json.decodeTree(tree, OperationResult.class, OperationResult.SCHEMA_VERSION);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(result.machineId());
        assertThat(MessageSigner.verify(tree, machineKey(result.machineId()))).as("machine signature").isTrue();
        return result;
    }

    private static Optional<AgentReport> latestReport(String machine) {
        String machineId = TestCloud.machineId(machine);
        return reports.records().stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(machineId))
                .map(r -> {
                    JsonNode tree = Json.tree(r.value());
                    assertThat(MessageSigner.verify(tree, machineKey(machineId))).as("report signature").isTrue();
                    return Json.decodeTree(tree, AgentReport.class, AgentReport.SCHEMA_VERSION);
                })
                .reduce((first, second) -> second);
    }

    private static PublicKey machineKey(String machineId) {
        String machine = machineId.substring(machineId.lastIndexOf('/') + 1);
        return Ed25519.decodePublic(cloud.registration(machine).at("/properties/agentPublicKeys/signing").asText());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void cliOn(String machine, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = home.resolve("machines").resolve(machine).toString();
        runCli(all);
    }

    private static void cli(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = home.toString();
        runCli(all);
    }

    private static void runCli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = AgentCli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        assertThat(exit).as("bulwark-agent %s\n%s%s", String.join(" ", args), out, err).isZero();
    }
}
