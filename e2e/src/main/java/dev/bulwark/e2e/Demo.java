package dev.bulwark.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.infra.Durability;
import dev.bulwark.model.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code ./bulwark demo}: a fleet of simulated machines with a mix of local rules, one fleet-wide install
 * from the cloud API, deletes on a few machines, and a summary of what each machine's rules decided.
 * Everything runs for real (Kafka, PostgreSQL, the packaged cloud and agent) and stops at the end.
 */
public final class Demo {
    static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000000de";
    static final String RESOURCE_GROUP = "demo-rg";
    static final String EXTENSION = "LogShipper";
    static final String PUBLISHER = "Contoso.Monitoring";
    static final String VERSION = "1.0.0";
    static final String SECRET = "demo-ingestion-token-7f3a";

    /** A group of machines sharing local rules, set with the agent CLI as an administrator would. */
    record RuleGroup(String label, int share, List<List<String>> settings) {
    }

    static final List<RuleGroup> GROUPS = List.of(
            new RuleGroup("no lists", 15, List.of()),
            new RuleGroup("allowlist with it", 10,
                    List.of(List.of("extensions.allowlist", PUBLISHER + "/" + EXTENSION + ", Microsoft.Azure.Monitor/AzureMonitorLinuxAgent"))),
            new RuleGroup("allowlist without it", 10,
                    List.of(List.of("extensions.allowlist", "Microsoft.Azure.Monitor/AzureMonitorLinuxAgent"))),
            new RuleGroup("blocklist with it", 10,
                    List.of(List.of("extensions.blocklist", PUBLISHER.toLowerCase() + "/" + EXTENSION.toLowerCase()))),
            new RuleGroup("Allow/None", 5, List.of(List.of("extensions.allowlist", "Allow/None"))));

    public static void main(String[] args) throws Exception {
        int machines = args.length > 0 && args[0].matches("\\d+") ? Integer.parseInt(args[0]) : 50;
        boolean keepRunning = List.of(args).contains("--keep-running");
        long started = System.nanoTime();
        Path root = BulwarkSystem.checkout();
        Path work = root.resolve(".bulwark/demo");
        deleteRecursively(work);

        say("Starting Kafka, PostgreSQL and the cloud service (logs in " + root.relativize(work.resolve("logs")) + ")...");
        // A demo's data are thrown away (deleted above, on every run): it trades PostgreSQL's durability for speed.
        try (BulwarkSystem system = BulwarkSystem.start(root, work, BulwarkSystem.Options.DEFAULTS.withDurability(Durability.FAST))) {
            CloudApi api = system.api(SUBSCRIPTION, RESOURCE_GROUP);
            AgentCli cli = system.agentCli();
            Path fleetHome = work.resolve("fleet");

            say("Publishing " + PUBLISHER + "/" + EXTENSION + " " + VERSION + " from examples/extensions/log-shipper"
                    + " (the cloud checks the manifest, scans for malware, stores it and signs a new catalog)...");
            CloudApi.Response published = ExtensionPublisher.publish(api, ExtensionPublisher.logShipper(root), PUBLISHER,
                    EXTENSION, VERSION, work.resolve("packages"));
            if (published.status() / 100 != 2) {
                throw new IllegalStateException("publishing answered " + published.status() + ": " + published.body());
            }
            say("Publishing " + ExtensionPublisher.RUN_SCRIPT_PUBLISHER + "/" + ExtensionPublisher.RUN_SCRIPT_TYPE + " "
                    + ExtensionPublisher.RUN_SCRIPT_VERSION + " from examples/extensions/run-script (not installed by the demo)...");
            ExtensionPublisher.publishRunScript(api, root, work.resolve("packages"));

            say("Connecting " + machines + " simulated machines (each gets its own keys, local config and state)...");
            cli.runOrThrow("connect", "--home", fleetHome.toString(), "--token", api.token(), "--cloud", api.baseUrl(),
                    "--ca", system.caCertificate().toString(), "--subscription", SUBSCRIPTION,
                    "--resource-group", RESOURCE_GROUP, "--machine", "demo", "--count", String.valueOf(machines));
            Map<String, RuleGroup> groupOf = assignGroups(machines);

            say("Setting local rules on each machine with the agent CLI (only a local admin can)...");
            applyLocalRules(cli, fleetHome, groupOf);

            say("Starting one agent process hosting all " + machines + " machines...");
            system.startAgent(fleetHome, "agent-fleet");
            Await.until("every machine reported its configuration", Duration.ofSeconds(120),
                    () -> groupOf.keySet().stream().allMatch(m -> "Connected".equals(text(api.getMachine(m).body(), "properties", "status"))));

            say("What-if: what would each machine's own rules answer to an install of " + PUBLISHER + "/" + EXTENSION + "?");
            JsonNode predicted = api.putRollout("install-logshipper", rollout(true)).body();
            System.out.println("    predicted from the rules the machines last reported: "
                    + predicted.path("properties").path("prediction").path("predicted"));

            say("Installing it on every machine with one rollout (a 10% canary stage first, then the rest)...");
            long installStarted = System.nanoTime();
            CloudApi.Response accepted = api.putRollout("install-logshipper", rollout(false));
            if (accepted.status() != 202) {
                throw new IllegalStateException("the rollout answered " + accepted.status() + ": " + accepted.body());
            }
            Await.until("the rollout finished", Duration.ofMinutes(3), () -> !"Running".equals(
                    text(api.getRollout("install-logshipper").body(), "properties", "provisioningState")));
            double installSeconds = (System.nanoTime() - installStarted) / 1e9;
            JsonNode rollout = api.getRollout("install-logshipper").body();
            Map<String, JsonNode> installs = rolloutMachines(api, "install-logshipper");
            String correlation = accepted.header("x-ms-correlation-request-id");

            List<String> deleted = pickDeletes(groupOf, installs);
            say("Deleting the extension on " + deleted.size() + " machines (delete is always allowed by the lists)...");
            deleted.forEach(machine -> api.deleteExtension(machine, EXTENSION));
            Await.until("the deletes finished", Duration.ofMinutes(2),
                    () -> deleted.stream().allMatch(m -> api.getExtension(m, EXTENSION).status() == 404));

            List<String> secretColumns = CanaryScan.tablesContaining(system.infra().jdbcUrl(), system.infra().dbUsername(),
                    system.infra().dbPassword(), SECRET);
            printSummary(api, groupOf, installs, rollout, installSeconds, deleted, correlation, secretColumns, work,
                    system.caCertificate(), started);

            if (keepRunning) {
                say("Everything is still running; press Ctrl-C to stop.");
                Thread.currentThread().join();
            }
        }
        say("Stopped Kafka, PostgreSQL, the cloud service and the agent.");
    }

    private static Map<String, RuleGroup> assignGroups(int machines) {
        int totalShare = GROUPS.stream().mapToInt(RuleGroup::share).sum();
        Map<String, RuleGroup> groupOf = new LinkedHashMap<>();
        int index = 1;
        for (int g = 0; g < GROUPS.size(); g++) {
            RuleGroup group = GROUPS.get(g);
            int count = g == GROUPS.size() - 1 ? machines - index + 1 : Math.max(1, machines * group.share() / totalShare);
            for (int i = 0; i < count && index <= machines; i++, index++) {
                groupOf.put(String.format("demo-%04d", index), group);
            }
        }
        return groupOf;
    }

    private static void applyLocalRules(AgentCli cli, Path fleetHome, Map<String, RuleGroup> groupOf) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            groupOf.forEach((machine, group) -> group.settings().forEach(setting -> runs.add(pool.submit(() ->
                    cli.runOrThrow("config", "set", setting.get(0), setting.get(1),
                            "--home", fleetHome.resolve("machines").resolve(machine).toString())))));
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** The fleet-wide install: every machine of the resource group, a 10% canary stage first. */
    static ObjectNode rollout(boolean whatIf) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("location", "local");
        ObjectNode properties = body.putObject("properties").put("operation", "Install").put("whatIf", whatIf);
        properties.putObject("extension").put("name", EXTENSION).set("properties", extensionBody().get("properties"));
        ObjectNode strategy = properties.putObject("strategy").put("maxFailurePercent", 10);
        strategy.putArray("stages").addObject().put("percent", 10);
        return body;
    }

    /** Each machine's outcome in the rollout (state, errorCode, prediction), by machine name. */
    private static Map<String, JsonNode> rolloutMachines(CloudApi api, String rollout) {
        Map<String, JsonNode> machines = new TreeMap<>();
        JsonNode page = api.send("GET", api.rolloutPath(rollout) + "/machines?api-version=" + CloudApi.FLEET_API_VERSION, null).body();
        page.path("value").forEach(machine -> {
            String id = machine.path("machineId").asText();
            machines.put(id.substring(id.lastIndexOf('/') + 1), machine);
        });
        return machines;
    }

    static ObjectNode extensionBody() {
        return extensionBody(VERSION);
    }

    static ObjectNode extensionBody(String version) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("location", "local");
        ObjectNode properties = body.putObject("properties");
        properties.put("publisher", PUBLISHER);
        properties.put("type", EXTENSION);
        properties.put("typeHandlerVersion", version);
        properties.putObject("settings").put("endpoint", "https://logs.contoso.example/ingest");
        properties.putObject("protectedSettings").put("token", SECRET);
        return body;
    }

    /** Three machines where the install succeeded and two where a blocklist refused it. */
    private static List<String> pickDeletes(Map<String, RuleGroup> groupOf, Map<String, JsonNode> installs) {
        Stream<String> installed = installs.entrySet().stream()
                .filter(e -> "Succeeded".equals(text(e.getValue(), "state"))).map(Map.Entry::getKey).limit(3);
        Stream<String> blocked = groupOf.entrySet().stream()
                .filter(e -> e.getValue().label().startsWith("blocklist")).map(Map.Entry::getKey).limit(2);
        return Stream.concat(installed, blocked).toList();
    }

    private static void printSummary(CloudApi api, Map<String, RuleGroup> groupOf, Map<String, JsonNode> installs,
                                     JsonNode rollout, double installSeconds, List<String> deleted, String correlation,
                                     List<String> secretColumns, Path work, Path ca, long started) {
        System.out.println();
        System.out.printf("Install of %s/%s %s on %d machines, by local rule:%n%n", PUBLISHER, EXTENSION, VERSION, groupOf.size());
        System.out.printf("  %-22s %8s %10s %8s  %s%n", "local rule", "machines", "succeeded", "blocked", "errorCode");
        String sampleMessage = null;
        for (RuleGroup group : GROUPS) {
            List<String> members = groupOf.entrySet().stream().filter(e -> e.getValue() == group).map(Map.Entry::getKey).toList();
            List<JsonNode> results = members.stream().map(installs::get).toList();
            long succeeded = results.stream().filter(r -> "Succeeded".equals(text(r, "state"))).count();
            Map<String, Long> codes = new TreeMap<>();
            for (int i = 0; i < results.size(); i++) {
                JsonNode r = results.get(i);
                if (!"Succeeded".equals(text(r, "state"))) {
                    String code = text(r, "errorCode");
                    codes.merge(code == null ? "?" : code, 1L, Long::sum);
                    if (sampleMessage == null) {
                        sampleMessage = text(api.getExtension(members.get(i), EXTENSION).body(), "properties", "instanceView",
                                "status", "message");
                    }
                }
            }
            System.out.printf("  %-22s %8d %10d %8d  %s%n", group.label(), results.size(), succeeded,
                    results.size() - succeeded, codes.isEmpty() ? "-" : codes.toString().replaceAll("[{}]", ""));
        }
        System.out.printf("%nDelete on %d machines (%s): all %d gone, including those whose blocklist refused the install.%n",
                deleted.size(), String.join(", ", deleted), deleted.size());
        if (sampleMessage != null) {
            System.out.printf("%nWhat a blocked machine reported:%n  %s%n", sampleMessage);
        }
        String machine = groupOf.keySet().iterator().next();
        JsonNode events = api.activityLog("correlationId eq '" + correlation + "' and resourceUri eq '"
                + api.extensionPath(machine, EXTENSION).toLowerCase() + "'").body();
        System.out.printf("%nActivity log for %s's install: %s%n", machine, eventSummary(events));
        JsonNode verdicts = rollout.path("properties").path("prediction").path("verdicts");
        System.out.printf("What-if predictions: %d right, %d wrong, %d unknown (each machine decided by its own rules;"
                + " the rollout logged %d stage(s)).%n", verdicts.path("right").asInt(), verdicts.path("wrong").asInt(),
                verdicts.path("unknown").asInt(), rollout.path("properties").path("stageCount").asInt());
        System.out.printf("Protected setting found in the cloud database: %s%n",
                secretColumns.isEmpty() ? "nowhere (checked every text column)" : secretColumns);
        System.out.printf("Fleet-wide install: %d operations in one request, request to the rollout's end: %.1f s"
                + " (%.0f operations/s, polling included).%n", installs.size(), installSeconds, installs.size() / installSeconds);
        System.out.printf("%nWhere to look (run with --keep-running to keep it up):%n");
        System.out.printf("  API:          %s%s?api-version=%s%n", api.baseUrl(), api.extensionPath(machine, EXTENSION), CloudApi.API_VERSION);
        System.out.printf("  Activity log: %s%s%n", api.baseUrl(), api.activityLogPath("resourceGroupName eq '" + RESOURCE_GROUP + "'"));
        System.out.printf("  TLS:          https only; the local CA is %s (curl --cacert %s ...)%n", ca, ca);
        System.out.printf("  Token:        every call needs one: -H \"Authorization: Bearer $(./bulwark token --key-dir %s"
                + " --principal you@example.com --role Reader)\" (docs/security.md)%n", work.resolve("cloud-keys"));
        System.out.printf("  Logs:         %s%n", work.resolve("logs"));
        System.out.printf("%nDemo finished in %d s.%n", (System.nanoTime() - started) / 1_000_000_000L);
    }

    private static String eventSummary(JsonNode page) {
        List<String> events = new ArrayList<>();
        if (page != null && page.has("value")) {
            page.get("value").forEach(e -> events.add(text(e, "status", "value") + " " + text(e, "operationName", "value")));
        }
        return events.toString();
    }

    static String text(JsonNode node, String... path) {
        JsonNode current = node;
        for (String step : path) {
            if (current == null) {
                return null;
            }
            current = current.get(step);
        }
        return current == null || current.isNull() ? null : current.asText();
    }

    private static void say(String line) {
        System.out.println("==> " + line);
    }

    static void deleteRecursively(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
