package dev.bulwark.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.infra.DevTokens;
import dev.bulwark.infra.Durability;
import dev.bulwark.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.bulwark.e2e.Demo.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The packaged cloud service and agent, run as processes on real Kafka and PostgreSQL, driven as users
 * drive them: the ARM API from the cloud side, the agent CLI on the machines.
 */
class EndToEndTest {
    static final String SUB = "00000000-0000-0000-0000-0000000000e2";
    static final String RG = "e2e-rg";
    static final Duration PATIENCE = Duration.ofSeconds(90);
    static final String TAMPERED_VERSION = "1.0.1";
    /** The real agent's machine: its own home and process, with the real handler. */
    static final String REAL = "e2e-real";
    static final String SDK_MACHINE = "e2e-0011";
    private static Path realHome;

    static BulwarkSystem system;
    static CloudApi api;
    static AgentCli cli;
    static Path fleet;
    static String packageUrl;

    /** Each simulated machine's local rules, applied with the agent CLI before the agent starts. */
    static final Map<String, List<List<String>>> RULES = Map.ofEntries(
            Map.entry("e2e-0001", List.of()),
            Map.entry("e2e-0002", List.of(List.of("extensions.allowlist", "Contoso.Monitoring/LogShipper"))),
            Map.entry("e2e-0003", List.of(List.of("extensions.blocklist", "contoso.monitoring/logshipper"))),
            Map.entry("e2e-0004", List.of(List.of("extensions.allowlist", "Contoso.Monitoring/LogShipper"),
                    List.of("extensions.blocklist", "Contoso.Monitoring/LogShipper"))),
            Map.entry("e2e-0005", List.of(List.of("extensions.allowlist", "Allow/None"))),
            Map.entry("e2e-0006", List.of(List.of("config.mode", "monitor"))),
            Map.entry("e2e-0007", List.of(List.of("extensions.enabled", "false"))),
            Map.entry("e2e-0008", List.of(List.of("extensions.blocklist", "Contoso.Monitoring/LogShipper"))),
            Map.entry("e2e-0009", List.of()),
            Map.entry("e2e-0010", List.of()),
            // The Azure SDK conformance suite's own machine: no rules, no other test touches it.
            Map.entry(SDK_MACHINE, List.of()));
    /** Resource lists page by this many in the system under test, so the SDK must follow nextLink. */
    static final int PAGE_SIZE = 2;

    @BeforeAll
    static void startTheSystem() throws Exception {
        Path work = Path.of("target/e2e").toAbsolutePath();
        Demo.deleteRecursively(work);
        system = BulwarkSystem.start(BulwarkSystem.checkout(), work, BulwarkSystem.Options.DEFAULTS.withDurability(Durability.FAST)
                .withCloudSetting("bulwark.cloud.resource-lists.default-page-size", String.valueOf(PAGE_SIZE)));
        api = system.api(SUB, RG);
        cli = system.agentCli();
        fleet = work.resolve("fleet");
        for (String version : List.of(Demo.VERSION, TAMPERED_VERSION)) {
            CloudApi.Response published = ExtensionPublisher.publish(api, ExtensionPublisher.logShipper(BulwarkSystem.checkout()),
                    Demo.PUBLISHER, Demo.EXTENSION, version, work.resolve("packages"));
            assertThat(published.status()).as("publishing %s: %s", version, published.body()).isBetween(200, 201);
            packageUrl = published.body().at("/properties/extensionUris/0").asText();
        }
        cli.runOrThrow("connect", "--home", fleet.toString(), "--token", api.token(), "--cloud", api.baseUrl(),
                "--ca", system.caCertificate().toString(), "--subscription", SUB,
                "--resource-group", RG, "--machine", "e2e", "--count", String.valueOf(RULES.size()));
        RULES.forEach((machine, settings) -> settings.forEach(s -> cli.runOrThrow("config", "set", s.get(0), s.get(1),
                "--home", home(machine))));
        system.startAgent(fleet, "agent-fleet");
        // A real server's agent: one machine in its own home and process, running real handler processes.
        ExtensionPublisher.publishRunScript(api, BulwarkSystem.checkout(), work.resolve("packages"));
        realHome = work.resolve(REAL);
        cli.runOrThrow(connectArgs(realHome, REAL, api.token()).toArray(String[]::new));
        system.startAgent(realHome, "agent-" + REAL);
        await().atMost(PATIENCE).until(() -> Stream.concat(RULES.keySet().stream(), Stream.of(REAL))
                .allMatch(m -> "Connected".equals(text(api.getMachine(m).body(), "properties", "status"))));
    }

    @AfterAll
    static void stopTheSystem() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void anInstallFollowsEachMachinesLocalRulesAndIsLoggedOnce() {
        Map<String, String> expected = Map.of(
                "e2e-0001", "Succeeded",
                "e2e-0002", "Succeeded",
                "e2e-0003", "ExtensionBlockedByBlocklist",
                "e2e-0004", "ExtensionBlockedByBlocklist",
                "e2e-0005", "ExtensionBlockedByAllowlist",
                "e2e-0006", "ExtensionBlockedByMonitorMode",
                "e2e-0007", "ExtensionManagerDisabled");
        List<String> correlations = new ArrayList<>();
        expected.keySet().forEach(machine -> {
            CloudApi.Response accepted = api.putExtension(machine, Demo.EXTENSION, Demo.extensionBody());
            assertThat(accepted.status()).as("PUT on %s", machine).isEqualTo(202);
            assertThat(accepted.header("Azure-AsyncOperation")).contains("/operationstatus/");
            correlations.add(machine + "=" + accepted.header("x-ms-correlation-request-id"));
        });

        expected.forEach((machine, outcome) -> {
            JsonNode extension = awaitFinal(machine);
            if (outcome.equals("Succeeded")) {
                assertThat(text(extension, "properties", "provisioningState")).as(machine).isEqualTo("Succeeded");
            } else {
                assertThat(text(extension, "properties", "provisioningState")).as(machine).isEqualTo("Failed");
                assertThat(text(extension, "properties", "instanceView", "status", "code")).as(machine).endsWith(outcome);
                assertThat(text(extension, "properties", "instanceView", "status", "message")).as(machine)
                        .contains("Contoso.Monitoring/LogShipper").contains("bulwark-agent config");
            }
        });

        for (String entry : correlations) {
            String machine = entry.substring(0, entry.indexOf('='));
            JsonNode events = awaitEvents("correlationId eq '" + entry.substring(entry.indexOf('=') + 1) + "'", 2);
            List<String> statuses = new ArrayList<>();
            events.forEach(e -> statuses.add(text(e, "status", "value")));
            String outcome = expected.get(machine).equals("Succeeded") ? "Succeeded" : "Failed";
            assertThat(statuses).as(machine).containsExactlyInAnyOrder("Started", outcome);
            events.forEach(e -> assertThat(text(e, "operationName", "value"))
                    .isEqualTo("Microsoft.HybridCompute/machines/extensions/write"));
            if (outcome.equals("Failed")) {
                assertThat(events.toString()).as(machine).contains(expected.get(machine));
            }
        }
    }

    @Test
    void aDeleteIsAllowedEvenForAnExtensionOnTheBlocklist() {
        String machine = "e2e-0003";
        api.putExtension(machine, Demo.EXTENSION, Demo.extensionBody());
        awaitFinal(machine);

        CloudApi.Response accepted = api.deleteExtension(machine, Demo.EXTENSION);

        assertThat(accepted.status()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> api.getExtension(machine, Demo.EXTENSION).status() == 404);
        JsonNode events = awaitEvents("correlationId eq '" + accepted.header("x-ms-correlation-request-id") + "'", 2);
        assertThat(events.toString()).contains("Microsoft.HybridCompute/machines/extensions/delete").contains("Succeeded");
    }

    @Test
    void aLocalRuleChangedWithTheCliAppliesToTheNextOperation() {
        String machine = "e2e-0008";
        api.putExtension(machine, Demo.EXTENSION, Demo.extensionBody());
        assertThat(text(awaitFinal(machine), "properties", "instanceView", "status", "code")).endsWith("ExtensionBlockedByBlocklist");

        cli.runOrThrow("config", "set", "extensions.blocklist", "Contoso.Monitoring/LogShipper", "--remove", "--home", home(machine));
        api.putExtension(machine, Demo.EXTENSION, Demo.extensionBody());

        await().atMost(PATIENCE).until(() -> "Succeeded".equals(
                text(api.getExtension(machine, Demo.EXTENSION).body(), "properties", "provisioningState")));
    }

    @Test
    void theCloudShowsLocalRulesReadOnlyAndNeverStoresProtectedSettings() throws Exception {
        await().atMost(PATIENCE).until(() -> api.getMachine("e2e-0005").body().toString().contains("Allow"));
        JsonNode config = api.getMachine("e2e-0005").body().at("/properties/agentConfiguration");
        assertThat(config.get("extensionsAllowList").toString()).contains("Allow").contains("None");
        assertThat(api.getMachine("e2e-0006").body().at("/properties/agentConfiguration/configMode").asText()).isEqualTo("monitor");

        api.putExtension("e2e-0001", Demo.EXTENSION, Demo.extensionBody());
        awaitFinal("e2e-0001");
        assertThat(api.getExtension("e2e-0001", Demo.EXTENSION).raw().body()).doesNotContain(Demo.SECRET);
        assertThat(CanaryScan.tablesContaining(system.infra().jdbcUrl(), system.infra().dbUsername(),
                system.infra().dbPassword(), Demo.SECRET)).isEmpty();
    }

    @Test
    void aPackageTamperedInStorageIsRefusedBeforeItIsOpened() throws Exception {
        Path stored;
        try (Stream<Path> files = Files.walk(system.work().resolve("storage"))) {
            stored = files.filter(p -> p.toString().contains(Demo.EXTENSION) && p.toString().endsWith(TAMPERED_VERSION + ".zip"))
                    .findFirst().orElseThrow(() -> new AssertionError("no stored ZIP for " + TAMPERED_VERSION));
        }
        byte[] zip = Files.readAllBytes(stored);
        zip[zip.length / 2] ^= 0x01;
        Files.write(stored, zip);
        String machine = "e2e-0009";

        CloudApi.Response accepted = api.putExtension(machine, Demo.EXTENSION, Demo.extensionBody(TAMPERED_VERSION));

        assertThat(accepted.status()).isEqualTo(202);
        JsonNode extension = awaitFinal(machine);
        assertThat(text(extension, "properties", "provisioningState")).isEqualTo("Failed");
        assertThat(text(extension, "properties", "instanceView", "status", "code")).endsWith("PackageVerificationFailed");
        JsonNode events = awaitEvents("correlationId eq '" + accepted.header("x-ms-correlation-request-id") + "'", 2);
        assertThat(events.toString()).contains("PackageVerificationFailed").contains("PackageHashMismatch");
        try (Stream<Path> left = Files.walk(fleet.resolve("machines").resolve(machine))) {
            assertThat(left.filter(p -> p.toString().contains(Demo.EXTENSION) && Files.isRegularFile(p))
                    .filter(p -> !p.toString().endsWith(".protected")).toList())
                    .as("nothing of the refused package is left on the machine").isEmpty();
        }
    }

    @Test
    void anExtensionRemovedLocallyIsReinstalledAtTheNextSync() throws Exception {
        String machine = "e2e-0010";
        api.putExtension(machine, Demo.EXTENSION, Demo.extensionBody());
        assertThat(text(awaitFinal(machine), "properties", "provisioningState")).isEqualTo("Succeeded");

        String firstInstalledAt = installedAt(machine);

        String removed = cli.runOrThrow("extension", "remove", "--name", Demo.EXTENSION, "--home", home(machine)).output();
        assertThat(removed).contains("Extension " + Demo.EXTENSION + " removed locally");

        // The next sync may come at any moment and reinstall it, so a list right after the removal would race
        // with it. The proof is the cloud's reconciliation and a new installation record.
        String resource = api.extensionPath(machine, Demo.EXTENSION);
        await().atMost(PATIENCE).until(() -> api.activityLog("resourceUri eq '" + resource + "'").body().get("value")
                .toString().contains("Bulwark reconciliation"));
        await().atMost(PATIENCE).until(() -> {
            String installedAt = installedAt(machine);
            return installedAt != null && !installedAt.equals(firstInstalledAt);
        });
        assertThat(cli.runOrThrow("extension", "list", "--home", home(machine)).output()).contains(Demo.EXTENSION);
        assertThat(text(awaitFinal(machine), "properties", "provisioningState")).isEqualTo("Succeeded");
    }

    @Test
    void guestConfigurationIsEvaluatedOnlyWhereTheLocalRulesAllowIt() throws Exception {
        Path present = Files.createTempFile("bulwark-e2e-audit", ".conf");
        Files.writeString(present, "PermitRootLogin no\n");
        ObjectNode body = Json.MAPPER.createObjectNode().put("location", "local");
        ObjectNode configuration = body.putObject("properties").putObject("guestConfiguration")
                .put("name", "ssh-hardening").put("version", "1.0");
        ArrayNode rules = configuration.putArray("rules");
        rules.addObject().put("id", "config-present").put("kind", "FileExists").put("path", present.toString());
        rules.addObject().put("id", "no-root-login").put("kind", "FileContains").put("path", present.toString())
                .put("pattern", "PermitRootLogin no");

        for (String machine : List.of("e2e-0001", "e2e-0006")) {
            assertThat(api.putGuestAssignment(machine, "ssh-hardening", body).status()).as(machine).isBetween(200, 201);
        }

        await().atMost(PATIENCE).until(() -> "Compliant".equals(
                text(api.getGuestAssignment("e2e-0001", "ssh-hardening").body(), "properties", "complianceStatus")));
        await().atMost(PATIENCE).until(() -> "NotEvaluated".equals(
                text(api.getGuestAssignment("e2e-0006", "ssh-hardening").body(), "properties", "complianceStatus")));
        assertThat(api.getGuestAssignment("e2e-0006", "ssh-hardening").body().toString())
                .as("monitor mode turns guest configuration off").contains("GuestConfigurationDisabled");
        Files.delete(present);
    }

    @Test
    void theCloudAndItsStorageAnswerHttpsOnlyAndOnlyToClientsThatTrustTheirCa() throws Exception {
        HttpClient trusting = CloudApi.httpClient(system.caCertificate(), Duration.ofSeconds(5));
        HttpClient plain = CloudApi.httpClient(null, Duration.ofSeconds(5));
        URI cloud = URI.create(system.cloud().baseUrl());
        URI storage = URI.create(packageUrl);
        assertThat(cloud.getScheme()).isEqualTo("https");
        assertThat(storage.getScheme()).isEqualTo("https");
        assertThat(get(trusting, cloud.resolve("/q/health/ready")).statusCode()).isEqualTo(200);
        // Answered over TLS; refused, since storage serves only requests a registered machine's key signed.
        assertThat(get(trusting, storage).statusCode()).isEqualTo(401);

        assertThatThrownBy(() -> get(plain, URI.create("http://127.0.0.1:" + system.cloud().plainHttpPort() + "/q/health")))
                .as("no plain-http listener").isInstanceOf(ConnectException.class);
        for (URI server : List.of(cloud, storage)) {
            URI asPlainHttp = URI.create("http://" + server.getHost() + ":" + server.getPort() + "/q/health");
            assertThatThrownBy(() -> get(plain, asPlainHttp)).as(asPlainHttp.toString()).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> get(plain, server.resolve("/q/health"))).as("the JVM's trust store does not know the local CA")
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void theCloudRefusesToStartWithoutACertificateUnlessTheDevelopmentFlagIsSet() throws Exception {
        Path work = system.work().resolve("without-certificate");
        Map<String, String> config = new HashMap<>(system.infra().quarkusConfig());
        config.put("kafka.bootstrap.servers", "127.0.0.1:1"); // never joins the running cloud's consumer group
        config.put("bulwark.cloud.key-dir", work.resolve("keys").toString());
        config.put("bulwark.storage.dir", work.resolve("storage").toString());
        config.put("bulwark.storage.host", "127.0.0.1");
        config.put("bulwark.storage.port", "0");
        Path log = work.resolve("cloud.log");

        assertThatThrownBy(() -> QuarkusProcess.startService("cloud-without-certificate",
                BulwarkSystem.cloudJar(BulwarkSystem.checkout()), config, List.of(), log, "256m"))
                .hasMessageContaining("exited");
        assertThat(Files.readString(log)).contains("No TLS certificate is configured")
                .contains("quarkus.tls.key-store.pem.0.cert").contains("bulwark.dev.plain-http=true");
    }

    @Test
    void aMachineRotatesItsKeysWithARequestItsCurrentKeySigns() throws Exception {
        Path home = system.work().resolve("rotating");
        cli.runOrThrow(connectArgs(home, "e2e-rotate", api.token()).toArray(String[]::new));
        String first = Json.MAPPER.readTree(home.resolve("identity.json").toFile()).path("signingPublicKey").asText();
        cli.runOrThrow("identity", "rotate", "--home", home.toString());
        String second = Json.MAPPER.readTree(home.resolve("identity.json").toFile()).path("signingPublicKey").asText();
        assertThat(second).isNotEqualTo(first);
        // Signed by the second key: accepted only because the cloud now holds it.
        cli.runOrThrow("identity", "rotate", "--home", home.toString());
        assertThat(Json.MAPPER.readTree(home.resolve("identity.json").toFile()).path("signingPublicKey").asText()).isNotEqualTo(second);
        List<JsonNode> rotations = api.activityEvents("resourceUri eq '" + api.machinePath("e2e-rotate").toLowerCase() + "'");
        assertThat(rotations).hasSize(2).allSatisfy(e -> assertThat(text(e, "properties", "message"))
                .contains("re-registered with new keys, proven by the machine's current key"));
        // Registering the name again with other keys and only an onboarding token is a take-over: refused.
        String onboarding = DevTokens.fromKeyDir(system.work().resolve("cloud-keys")).mint("onboarder@e2e.test",
                List.of(new DevTokens.Role("Azure Connected Machine Onboarding", "/subscriptions/" + SUB + "/resourceGroups/" + RG)),
                Duration.ofHours(1));
        AgentCli.Result refused = cli.run(connectArgs(system.work().resolve("thief"), "e2e-rotate", onboarding));
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("AuthorizationFailed");
    }

    /**
     * The conformance suite for Microsoft.HybridCompute: every operation @azure/arm-hybridcompute 3.0.0 offers for
     * machines and machine extensions, unchanged (its pinned api-version 2021-05-20), with its pollers and pagers;
     * what 3.0.0 lacks (a machine's PATCH, upgradeExtensions) through the same client's pipeline. Prints a table of
     * each operation and its result.
     */
    @Test
    void theOfficialAzureSdkDrivesTheApiWithABulwarkTokenOverHttps() throws Exception {
        String upgradeVersion = "1.0.2";
        CloudApi.Response published = ExtensionPublisher.publish(api, ExtensionPublisher.logShipper(BulwarkSystem.checkout()),
                Demo.PUBLISHER, Demo.EXTENSION, upgradeVersion, system.work().resolve("packages"));
        assertThat(published.status()).as(published.body().toString()).isBetween(200, 201);
        // A machine without an agent, which the suite deletes while an operation on it is in flight.
        String gone = "e2e-sdk-gone";
        cli.runOrThrow(connectArgs(system.work().resolve(gone), gone, api.token()).toArray(String[]::new));
        Path node = Path.of("target/arm-sdk").toAbsolutePath();
        Files.createDirectories(node);
        for (String file : List.of("package.json", "package-lock.json", "arm-sdk.js", "arm-monitor.js")) {
            Files.copy(Path.of("src/test/node", file), node.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        // The SDK comes from the npm registry, as its users get it; npm ci installs exactly the locked versions.
        run(node, Map.of(), "npm", "ci", "--no-audit", "--no-fund");
        Map<String, String> env = Map.ofEntries(Map.entry("BULWARK_URL", api.baseUrl()), Map.entry("BULWARK_TOKEN", api.token()),
                Map.entry("BULWARK_SUBSCRIPTION", SUB), Map.entry("BULWARK_RESOURCE_GROUP", RG),
                Map.entry("BULWARK_MACHINE", SDK_MACHINE), Map.entry("BULWARK_GONE_MACHINE", gone),
                Map.entry("BULWARK_PUBLISHER", Demo.PUBLISHER), Map.entry("BULWARK_TYPE", Demo.EXTENSION),
                Map.entry("BULWARK_VERSION", Demo.VERSION), Map.entry("BULWARK_UPGRADE_VERSION", upgradeVersion),
                Map.entry("NODE_EXTRA_CA_CERTS", system.caCertificate().toString()));
        String output = run(node, env, "node", "arm-sdk.js");
        JsonNode calls = Json.MAPPER.readTree(output.lines().filter(l -> l.startsWith("[")).reduce((a, b) -> b).orElseThrow());
        Map<String, JsonNode> byCall = new java.util.LinkedHashMap<>();
        calls.forEach(call -> byCall.put(call.path("call").asText(), call));
        System.out.println(sdkTable(byCall));

        assertThat(value(byCall, "machines.get").asText()).as(output).isEqualTo(SDK_MACHINE);
        for (String list : List.of("machines.listByResourceGroup", "machines.listBySubscription")) {
            JsonNode listed = value(byCall, list);
            List<String> names = new ArrayList<>();
            listed.path("names").forEach(n -> names.add(n.asText()));
            assertThat(names).as(list).contains(SDK_MACHINE, gone, REAL, "e2e-0001").doesNotHaveDuplicates();
            assertThat(listed.path("pages").asInt()).as(list + ": follows nextLink").isEqualTo((names.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        }
        assertThat(value(byCall, "machines.update (PATCH tags; not in 3.0.0: sendRequest)").path("suite").asText()).isEqualTo("conformance");
        for (String create : List.of("machineExtensions.beginCreateOrUpdate + pollUntilDone", "machineExtensions.beginCreateOrUpdateAndWait",
                "machineExtensions.beginCreateOrUpdateAndWait (a third)", "machineExtensions.get")) {
            assertThat(value(byCall, create).asText()).as(create).isEqualTo("Succeeded");
        }
        assertThat(value(byCall, "machineExtensions.beginUpdate + pollUntilDone").asText())
                .as("the PATCH poller ends with the extension").isEqualTo("Succeeded https://patched.example.test");
        assertThat(value(byCall, "machineExtensions.beginUpdateAndWait").asText()).isEqualTo("Succeeded https://patched-two.example.test");
        JsonNode extensions = value(byCall, "machineExtensions.list");
        assertThat(extensions.path("names").toString()).isEqualTo("[\"sdk-logs\",\"sdk-logs-2\",\"sdk-logs-3\"]");
        assertThat(extensions.path("pages").asInt()).as("3 extensions, 2 a page").isEqualTo(2);
        assertThat(value(byCall, "upgradeExtensions (not in 3.0.0: sendRequest + createHttpPoller)").asText()).isEqualTo(upgradeVersion);
        assertThat(value(byCall, "machineExtensions.beginDelete + pollUntilDone").asText()).isEqualTo("deleted");
        assertThat(value(byCall, "machineExtensions.beginDeleteAndWait").asText()).isEqualTo("deleted");
        assertThat(byCall.get("machineExtensions.get after delete").path("status").asInt()).isEqualTo(404);
        assertThat(value(byCall, "machineExtensions.beginCreateOrUpdate on a machine without an agent").asText()).isEqualTo("running");
        assertThat(value(byCall, "machines.delete").asInt()).isEqualTo(200);
        assertThat(byCall.get("pollUntilDone of the operation in flight on the deleted machine").path("message").asText())
                .contains("MachineDeleted");
        assertThat(byCall.get("machines.get after delete").path("status").asInt()).isEqualTo(404);
        assertThat(value(byCall, "machines.delete again").asInt()).isEqualTo(204);
        assertThat(byCall.get("machines.get with a forged token").path("status").asInt()).as(output).isEqualTo(401);
    }

    /** The call's value, failing with what the call answered when it did not succeed. */
    private static JsonNode value(Map<String, JsonNode> byCall, String call) {
        JsonNode result = byCall.get(call);
        assertThat(result).as("no result for " + call).isNotNull();
        assertThat(result.path("ok").asBoolean()).as(call + ": " + result).isTrue();
        return result.path("value");
    }

    /** The suite's results as a Markdown table: SDK operation, then its value or its error. */
    private static String sdkTable(Map<String, JsonNode> byCall) {
        StringBuilder table = new StringBuilder("\n| SDK operation (@azure/arm-hybridcompute 3.0.0) | result |\n|---|---|\n");
        byCall.forEach((call, result) -> {
            String shown = result.path("ok").asBoolean() ? "ok: " + result.path("value")
                    : "error " + result.path("status").asText("-") + " " + result.path("code").asText("") + " "
                    + result.path("message").asText();
            table.append("| ").append(call).append(" | ").append(shown.replace("|", "\\|")).append(" |\n");
        });
        return table.toString();
    }

    /**
     * Azure's official Monitor SDK ({@code @azure/arm-monitor}) reads the activity log as it reads Azure's: each
     * {@code $filter} Azure Monitor documents narrows the events, {@code $select} trims them, {@code nextLink} pages are
     * followed, and each event carries who did it ({@code authorization}, {@code claims}, {@code caller}). The probes are
     * two installs that a machine's allowlist refuses, so they end (Failed) without changing any machine: four events
     * in the time window at least, read in pages of three.
     */
    @Test
    void theOfficialMonitorSdkReadsTheActivityLog() throws Exception {
        Path node = Path.of("target/arm-monitor").toAbsolutePath();
        Files.createDirectories(node);
        for (String file : List.of("package.json", "package-lock.json", "arm-sdk.js", "arm-monitor.js")) {
            Files.copy(Path.of("src/test/node", file), node.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        run(node, Map.of(), "npm", "ci", "--no-audit", "--no-fund");
        java.time.Instant from = java.time.Instant.now().minusSeconds(5);
        CloudApi.Response accepted = api.putExtension("e2e-0005", "monitor-probe", Demo.extensionBody());
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
        String correlation = accepted.header("x-ms-correlation-request-id");
        CloudApi.Response second = api.putExtension("e2e-0005", "monitor-probe-2", Demo.extensionBody());
        assertThat(second.status()).as(second.body().toString()).isEqualTo(202);
        awaitEvents("correlationId eq '" + correlation + "'", 2);
        awaitEvents("correlationId eq '" + second.header("x-ms-correlation-request-id") + "'", 2);
        String resource = api.extensionPath("e2e-0005", "monitor-probe");
        Map<String, String> env = Map.of("BULWARK_URL", api.baseUrl(), "BULWARK_TOKEN", api.token(),
                "BULWARK_SUBSCRIPTION", SUB, "BULWARK_RESOURCE_GROUP", RG, "BULWARK_FROM", from.toString(),
                "BULWARK_TO", java.time.Instant.now().plusSeconds(60).toString(), "BULWARK_CORRELATION", correlation,
                "BULWARK_RESOURCE_URI", resource, "NODE_EXTRA_CA_CERTS", system.caCertificate().toString());

        String output = run(node, env, "node", "arm-monitor.js");

        JsonNode calls = Json.MAPPER.readTree(output.lines().filter(l -> l.startsWith("[")).reduce((a, b) -> b).orElseThrow());
        Map<String, JsonNode> byCall = new HashMap<>();
        StringBuilder table = new StringBuilder("\n| monitor SDK call | $filter / $select | requests | result |\n|---|---|---|---|\n");
        calls.forEach(call -> {
            byCall.put(call.path("call").asText(), call);
            table.append("| ").append(call.path("call").asText()).append(" | ")
                    .append(call.path("filter").asText().replaceFirst("^eventTimestamp ge '[^']*' and eventTimestamp le '[^']*'", "<window>"))
                    .append(call.has("select") ? " / $select=" + call.path("select").asText() : "").append(" | ")
                    .append(call.path("requests").size()).append(" | ")
                    .append(call.path("ok").asBoolean() ? call.path("events").size() + " events, statuses "
                            + statuses(call.path("events")) : call.path("status").asInt() + " " + call.path("code").asText())
                    .append(" |\n");
        });
        System.out.println(table);

        JsonNode byCorrelation = byCall.get("by correlationId");
        assertThat(statuses(byCorrelation.path("events"))).as(output).containsExactlyInAnyOrder("Started", "Failed");
        for (JsonNode event : byCorrelation.path("events")) {
            assertThat(event.path("correlationId").asText()).isEqualTo(correlation);
            assertThat(event.path("operationName").asText()).isEqualTo("Microsoft.HybridCompute/machines/extensions/write");
            assertThat(event.path("authorization").path("action").asText()).isEqualTo("Microsoft.HybridCompute/machines/extensions/write");
            assertThat(event.path("authorization").path("role").asText()).isNotBlank();
            assertThat(event.path("authorization").path("scope").asText()).startsWith("/");
            assertThat(event.path("claims").path("iss").asText()).as(event.toString()).isNotBlank();
            assertThat(event.path("claims").path("sub").asText()).isNotBlank();
            assertThat(event.path("caller").asText()).isNotBlank();
            assertThat(event.path("level").asText()).isIn("Informational", "Error");
            assertThat(event.path("eventTimestamp").asText()).isGreaterThanOrEqualTo(from.toString().substring(0, 19));
        }
        assertThat(output).doesNotContain(api.token()).doesNotContain(Demo.SECRET);

        JsonNode selected = byCall.get("by resourceUri with $select");
        assertThat(selected.path("events").size()).as(output).isEqualTo(2);
        for (JsonNode event : selected.path("events")) {
            assertThat(event.path("present")).extracting(JsonNode::asText).as(event.toString()).containsExactlyInAnyOrder(
                    "authorization", "claims", "correlationId", "eventTimestamp", "level", "operationName", "status");
        }
        assertThat(selected.path("requests").get(0).asText()).contains("$select=").contains("resourceUri%20eq%20");

        JsonNode failed = byCall.get("by resourceGroupName and status");
        assertThat(statuses(failed.path("events"))).as(output).isNotEmpty().allMatch("Failed"::equals);
        assertThat(failed.path("events").findValuesAsText("correlationId")).contains(correlation);

        JsonNode paged = byCall.get("by resourceGroupName, pages of 3");
        List<String> ids = paged.path("events").findValuesAsText("eventDataId");
        assertThat(ids.size()).as(output).isGreaterThanOrEqualTo(4);
        assertThat(paged.path("requests").size()).as(output).isEqualTo((ids.size() + 2) / 3);
        assertThat(paged.path("requests").get(1).asText()).contains("$skipToken=");
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(paged.path("events").findValuesAsText("correlationId")).contains(correlation);
        assertThat(paged.path("events").findValuesAsText("resourceGroupName")).allMatch(RG::equalsIgnoreCase);

        JsonNode unsupported = byCall.get("an unsupported filter");
        assertThat(unsupported.path("status").asInt()).as(output).isEqualTo(400);
        assertThat(unsupported.path("code").asText()).isEqualTo("InvalidFilter");
    }

    private static List<String> statuses(JsonNode events) {
        return events.findValuesAsText("status");
    }

    private static String run(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }

    private static List<String> connectArgs(Path home, String machine, String token) {
        return List.of("connect", "--home", home.toString(), "--token", token, "--cloud", api.baseUrl(),
                "--ca", system.caCertificate().toString(), "--subscription", SUB, "--resource-group", RG, "--machine", machine);
    }

    private static HttpResponse<String> get(HttpClient client, URI url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode awaitFinal(String machine) {
        return awaitFinal(machine, Demo.EXTENSION);
    }

    private static JsonNode awaitFinal(String machine, String extensionName) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(PATIENCE).until(() -> {
            last[0] = api.getExtension(machine, extensionName).body();
            String state = text(last[0], "properties", "provisioningState");
            return "Succeeded".equals(state) || "Failed".equals(state);
        });
        return last[0];
    }

    private static JsonNode awaitEvents(String filter, int count) {
        JsonNode[] page = new JsonNode[1];
        await().atMost(PATIENCE).until(() -> {
            page[0] = api.activityLog(filter).body().get("value");
            return page[0] != null && page[0].size() >= count;
        });
        assertThat(page[0].size()).as("events for %s", filter).isEqualTo(count);
        return page[0];
    }

    /** When state.json says the extension was installed, or null while it is not installed. */
    private static String installedAt(String machine) throws IOException {
        JsonNode record = Json.MAPPER.readTree(Path.of(home(machine)).resolve("state.json").toFile())
                .path("extensions").path(Demo.EXTENSION);
        return record.isMissingNode() ? null : record.path("changedAt").asText();
    }

    @Test
    void aRealAgentRunsTheLogShippersHandlerWhichWritesItsConfigurationAndReportsItsStatus() throws IOException {
        assertThat(api.putExtension(REAL, Demo.EXTENSION, Demo.extensionBody()).status()).isEqualTo(202);

        JsonNode extension = awaitFinal(REAL, Demo.EXTENSION);
        assertThat(text(extension, "properties", "provisioningState")).as(extension.toString()).isEqualTo("Succeeded");
        assertThat(text(extension, "properties", "instanceView", "status", "message"))
                .startsWith("Shipping logs to https://logs.contoso.example/ingest; configuration in ");
        Path config = realHome.resolve("extension-data/" + Demo.PUBLISHER + "." + Demo.EXTENSION + "/log-shipper.json");
        assertThat(Files.readString(config)).contains("https://logs.contoso.example/ingest").doesNotContain(Demo.SECRET);
        try (Stream<Path> files = Files.walk(realHome)) {
            assertThat(files.filter(Files::isRegularFile).filter(f -> contains(f, Demo.SECRET)).toList())
                    .as("files holding the protected setting in plaintext").isEmpty();
        }

        // Removing it stops its shipper and deletes its files (its logs stay).
        assertThat(api.deleteExtension(REAL, Demo.EXTENSION).status()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> api.getExtension(REAL, Demo.EXTENSION).status() == 404);
        assertThat(config).doesNotExist();
        assertThat(realHome.resolve("extension-logs/" + Demo.PUBLISHER + "." + Demo.EXTENSION + "/CommandExecution.log"))
                .content().contains("disable (bin/handler disable)").contains("uninstall (bin/handler uninstall)");
    }

    @Test
    void runScriptRunsItsCommandOnARealAgentUntilTheLocalBlocklistNamesIt() {
        String runScript = ExtensionPublisher.RUN_SCRIPT_TYPE;
        Path first = Path.of(System.getProperty("java.io.tmpdir"), "bulwark-e2e-" + java.util.UUID.randomUUID());
        Path second = Path.of(first + "-blocked");
        try {
            assertThat(api.putExtension(REAL, runScript, runScriptBody("touch " + first)).status()).isEqualTo(202);
            JsonNode ran = awaitFinal(REAL, runScript);
            assertThat(text(ran, "properties", "provisioningState")).as(ran.toString()).isEqualTo("Succeeded");
            assertThat(first).exists();

            cli.runOrThrow("config", "set", "extensions.blocklist", ExtensionPublisher.RUN_SCRIPT_PUBLISHER + "/" + runScript,
                    "--home", realHome.toString());
            assertThat(api.putExtension(REAL, runScript, runScriptBody("touch " + second)).status()).isEqualTo(202);

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(text(api.getExtension(REAL, runScript).body(),
                    "properties", "instanceView", "status", "code")).endsWith("ExtensionBlockedByBlocklist"));
            assertThat(second).as("a blocked command never runs").doesNotExist();
        } finally {
            cli.runOrThrow("config", "clear", "extensions.blocklist", "--home", realHome.toString());
            for (Path file : List.of(first, second)) {
                file.toFile().delete();
            }
        }
    }

    @Test
    void aCanaryProtectedSettingIsNowhereInPlaintextNotInTheDatabaseOnKafkaInLogsOrOnTheMachines() throws Exception {
        String canary = "canary-" + java.util.UUID.randomUUID();
        ObjectNode body = Demo.extensionBody();
        ((ObjectNode) body.get("properties")).putObject("protectedSettings").put("token", canary);
        // A simulated machine, and the real agent (its handler gets the canary, encrypted to the extension's key).
        Map<String, String> extensionOf = Map.of("e2e-0010", "Canary", REAL, Demo.EXTENSION);
        extensionOf.forEach((machine, name) -> assertThat(api.putExtension(machine, name, body.deepCopy()).status()).isEqualTo(202));
        extensionOf.forEach((machine, name) -> assertThat(text(awaitFinal(machine, name), "properties", "provisioningState"))
                .as(machine).isEqualTo("Succeeded"));

        CanaryScan.Findings findings = CanaryScan.scan(system.infra(), canary,
                List.of(system.work().resolve("logs"), fleet, realHome));

        assertThat(findings.tables()).as("tables").isEmpty();
        assertThat(findings.topics()).as("Kafka topics, dead letters included").isEmpty();
        assertThat(findings.files()).as("logs and the machines' disks (only the encrypted vault may hold it)").isEmpty();
        // The canary does exist where it should: sealed for the machine, so no plaintext match is the real test.
        assertThat(Path.of(home("e2e-0010")).resolve("settings")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("Canary"));
    }

    private static ObjectNode runScriptBody(String command) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("location", "local");
        ObjectNode properties = body.putObject("properties");
        properties.put("publisher", ExtensionPublisher.RUN_SCRIPT_PUBLISHER);
        properties.put("type", ExtensionPublisher.RUN_SCRIPT_TYPE);
        properties.put("typeHandlerVersion", ExtensionPublisher.RUN_SCRIPT_VERSION);
        properties.putObject("settings").put("commandToExecute", command);
        return body;
    }

    private static boolean contains(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static String home(String machine) {
        return fleet.resolve("machines").resolve(machine).toString();
    }
}
