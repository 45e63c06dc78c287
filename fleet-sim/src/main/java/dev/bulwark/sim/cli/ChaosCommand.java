package dev.bulwark.sim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.e2e.BulwarkSystem;
import dev.bulwark.e2e.CanaryScan;
import dev.bulwark.e2e.CloudApi;
import dev.bulwark.e2e.ExtensionPublisher;
import dev.bulwark.infra.Durability;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.model.Json;
import dev.bulwark.sim.UpEnv;
import dev.bulwark.sim.chaos.Backlog;
import dev.bulwark.sim.chaos.ChaosPlan;
import dev.bulwark.sim.chaos.ChaosReport;
import dev.bulwark.sim.chaos.ChaosRounds;
import dev.bulwark.sim.chaos.KillSwitch;
import dev.bulwark.sim.fleet.Background;
import dev.bulwark.sim.oracle.Oracle;
import dev.bulwark.sim.scenario.Scenario;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code ./bulwark chaos} ({@code sim chaos}): the fault suite. Self-contained like {@code sim bench}: starts Kafka,
 * PostgreSQL (durable), the cloud and the simulated fleet in the background in its own folder, runs rollouts of at
 * least N operations whose protected settings carry a canary, and meanwhile kills every process with SIGKILL at
 * seeded random moments (each at least once) and starts it again on its own data, timing its recovery. Then it
 * waits for quiescence and checks: every outcome exactly once and right (the oracle, on the activity log), every
 * operation final, the outbox empty, and the canary nowhere in plaintext (every table, every topic, every file
 * of the run). Prints one JSON object; exit code 0 only when all of that holds.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Fault suite: rollouts of at least N operations while the agent host(s), the cloud, the Kafka broker"
                + " and PostgreSQL are each killed with SIGKILL at seeded random moments and started again on their data;"
                + " then checks that no outcome was lost or duplicated, every operation is final, the outbox is empty and a"
                + " canary protected setting is nowhere in plaintext. Prints one JSON object (exit code 0 only if all holds).")
public final class ChaosCommand implements Callable<Integer> {
    static final String AGENT_HOST = "agent-host";
    static final String CLOUD = "cloud";
    static final String KAFKA = "kafka";
    static final String POSTGRESQL = "postgresql";

    @Option(names = "--operations", description = "Operations of the workload, at least (default ${DEFAULT-VALUE}).")
    int operations = 10_000;

    @Option(names = "--machines", description = "Simulated machines; the workload is rollouts to all of them, one after"
            + " another (default: a tenth of --operations, at least 100 and at most 1,000).")
    Integer machines;

    @Option(names = "--seed", description = "Seed of the kill plan (default: a random one, printed; the same seed gives the same plan).")
    Long seed;

    @Option(names = "--extra-kills", description = "Kills beyond one of each process, of processes drawn from the seed (default ${DEFAULT-VALUE}).")
    int extraKills = 0;

    @Option(names = "--agent-hosts", description = "Processes the fleet is split over, each killed at least once (default ${DEFAULT-VALUE}).")
    int agentHosts = 1;

    @Option(names = "--partitions", description = "Partitions of every topic (default ${DEFAULT-VALUE}).")
    int partitions = 8;

    @Option(names = "--scenario", description = "Local rules and extension, relative to the checkout (default ${DEFAULT-VALUE}).")
    Path scenario = Path.of("examples/scenarios/mixed-rules.json");

    @Option(names = "--json", description = "Also write the JSON object to this file.")
    Path json;

    @Option(names = "--work", description = "Directory for the servers' data and logs, relative to the checkout, emptied first (default: ${DEFAULT-VALUE}).")
    Path work = Path.of(".bulwark/chaos");

    @Option(names = "--timeout", description = "Longest the workload may take (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout = Duration.ofMinutes(60);

    @Option(names = "--quiescence-timeout", description = "Longest to wait, after the workload, for the backlog to drain"
            + " (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration quiescenceTimeout = Duration.ofMinutes(5);

    @Override
    public Integer call() throws Exception {
        if (operations < 1 || agentHosts < 1 || (machines != null && machines < 1)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--operations, --machines and --agent-hosts must be at least 1");
        }
        int fleet = machines != null ? machines : Math.min(operations, Math.max(100, Math.min(1_000, operations / 10)));
        long seed = this.seed != null ? this.seed : new SecureRandom().nextLong();
        Path root = BulwarkSystem.checkout();
        Path work = root.resolve(this.work).toAbsolutePath().normalize();
        BenchCommand.delete(work);
        Path fleetHomes = work.resolve("fleet");
        Path scenarioFile = root.resolve(this.scenario).toAbsolutePath().normalize();
        String canary = "chaos-canary-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        Scenario rules = withCanary(Scenario.read(scenarioFile), canary);
        List<String> hosts = new ArrayList<>();
        for (int host = 1; host <= agentHosts; host++) {
            hosts.add(agentHosts == 1 ? AGENT_HOST : AGENT_HOST + "-" + host);
        }
        List<String> processes = new ArrayList<>(hosts);
        processes.addAll(List.of(CLOUD, KAFKA, POSTGRESQL));
        ChaosPlan plan = ChaosPlan.draw(seed, processes, extraKills, operations);
        BenchCommand.say("Chaos seed " + seed + " (the same plan again: --seed " + seed + "); work folder " + work);
        BenchCommand.say("Plan: " + operations + " operations as " + ChaosRounds.roundCount(operations, fleet) + " rollout(s) on "
                + fleet + " machines; kill -9 then restart " + plan.kills().stream()
                .map(kill -> kill.process() + " at operation " + kill.atOperation() + " (" + Math.round(kill.withinRound() * 100)
                        + "% into a rollout)").toList());

        Background background = Background.in(work);
        Thread cleanup = new Thread(() -> BenchCommand.stopQuietly(background), "chaos-stop");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            BenchCommand.say("Starting Kafka, PostgreSQL (durable), the cloud and " + fleet + " simulated machines in "
                    + agentHosts + " agent host(s)...");
            Map<String, String> infra = background.startInfra(root, partitions, Durability.DURABLE);
            String cloud = background.startCloud(root, infra, "cloud");
            Path ca = background.cloudTls().caCertificate();
            CloudApi api = new CloudApi(cloud, ca, UpMain.SUBSCRIPTION, UpMain.RESOURCE_GROUP, background.adminToken());
            ExtensionPublisher.publish(api, ExtensionPublisher.logShipper(root), rules.extension().publisher(),
                    rules.extension().type(), rules.extension().version(), work.resolve("packages"));
            UpEnv up = new UpEnv(BenchCommand.env(cloud, ca, infra, fleet, scenarioFile, api.token()));
            background.startFleet(up, agentHosts, fleetHomes, Duration.ofMinutes(10));
            BenchCommand.awaitCloudSeesEveryReport(api, rules);

            Map<String, KillSwitch.Target> targets = new LinkedHashMap<>();
            for (int host = 0; host < agentHosts; host++) {
                String name = agentHosts == 1 ? "fleet" : "fleet-" + (host + 1);
                targets.put(hosts.get(host), target(() -> background.kill(name), () -> background.restart(name, Duration.ofMinutes(10))));
            }
            targets.put(CLOUD, target(() -> background.kill("cloud"), () -> background.restart("cloud", Duration.ofMinutes(3))));
            // The infra process starts the broker and PostgreSQL again itself (as a supervisor would): wait for it.
            long[] killed = new long[1];
            targets.put(KAFKA, target(() -> killed[0] = background.killKafka(),
                    () -> background.awaitKafkaBack(infra, killed[0], Duration.ofMinutes(3))));
            targets.put(POSTGRESQL, target(() -> killed[0] = background.killPostgres(),
                    () -> background.awaitPostgresBack(infra, killed[0], Duration.ofMinutes(3))));

            String run = UUID.randomUUID().toString().substring(0, 8);
            ChaosRounds rounds = new ChaosRounds(api, rules, fleet, operations, run);
            // A kill strikes with a fifth of a round or more accepted and without an outcome (as far as the last poll knew).
            KillSwitch kills = new KillSwitch(plan, targets, rounds::progress, fleet / 5);
            Thread chaos = new Thread(kills, "chaos-kills");
            chaos.start();
            BenchCommand.say("Workload: " + operations + " operations (run " + run + "), protected settings carrying a canary...");
            long started = System.nanoTime();
            String error = null;
            try {
                rounds.run(kills, timeout);
            } catch (IllegalStateException e) {
                error = e.getMessage();
                BenchCommand.say("The workload stopped: " + error);
            } finally {
                kills.workloadDone();
                chaos.join(Duration.ofMinutes(15).toMillis());
            }
            double workloadSeconds = (System.nanoTime() - started) / 1e9;

            BenchCommand.say("Waiting for quiescence (empty outbox, every operation final, activity log still)...");
            long quiet = System.nanoTime();
            Backlog backlog = Backlog.awaitQuiescence(infra.get("BULWARK_DB_URL"), infra.get("BULWARK_DB_USER"),
                    infra.get("BULWARK_DB_PASSWORD"), Duration.ofSeconds(2), quiescenceTimeout);
            double quiescenceSeconds = (System.nanoTime() - quiet) / 1e9;

            BenchCommand.say("Checking every outcome against the oracle, then looking for the canary everywhere...");
            Oracle.Verdict verdict = rounds.verify(Duration.ofMinutes(5));
            List<String> found = canaryScan(infra, up, canary, work);
            long ran = rounds.rounds().stream().mapToLong(ChaosRounds.Round::machines).sum();
            ChaosReport report = new ChaosReport(seed, fleet, agentHosts, rounds.rounds().size(), error == null ? ran : rounds.progress().accepted(),
                    verdict, backlog, kills.outcomes(), found, workloadSeconds, quiescenceSeconds, error);
            if (!verdict.examples().isEmpty()) {
                System.out.println("The oracle found problems, for example:");
                verdict.examples().forEach(example -> System.out.println("  " + example));
            }
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()));
            if (json != null) {
                report.write(root.resolve(json));
            }
            BenchCommand.say(report.passed() ? "Chaos run passed." : "Chaos run FAILED: see the JSON above; logs in " + work.resolve("logs"));
            return report.exitCode();
        } finally {
            // The applications first, while the servers they use still run; then the servers.
            for (String name : List.of("fleet", "cloud")) {
                background.stop(name, Duration.ofSeconds(10));
            }
            for (int host = 1; host <= agentHosts; host++) {
                background.stop("fleet-" + host, Duration.ofSeconds(10));
            }
            BenchCommand.stopQuietly(background);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    /** The scenario with {@code canary} added to its extension's protected settings. */
    static Scenario withCanary(Scenario scenario, String canary) {
        Scenario.Extension extension = scenario.extension();
        ObjectNode protectedSettings = extension.protectedSettings() == null ? Json.MAPPER.createObjectNode()
                : extension.protectedSettings().deepCopy();
        protectedSettings.put("chaosCanary", canary);
        return new Scenario(scenario.name(), scenario.seed(), scenario.machines(), scenario.rules(),
                new Scenario.Extension(extension.name(), extension.publisher(), extension.type(), extension.version(),
                        extension.settings(), protectedSettings), scenario.workload());
    }

    /**
     * Where the canary is in plaintext: every table of the cloud database, every record of every topic (dead-letter
     * topics included), every file of the run (logs, agent homes, Kafka's and PostgreSQL's data, cloud storage).
     */
    private static List<String> canaryScan(Map<String, String> infra, UpEnv up, String canary, Path work) throws Exception {
        List<String> found = new ArrayList<>();
        CanaryScan.tablesContaining(infra.get("BULWARK_DB_URL"), infra.get("BULWARK_DB_USER"), infra.get("BULWARK_DB_PASSWORD"), canary)
                .forEach(table -> found.add("table " + table));
        Map<String, Object> observer = new HashMap<>(up.kafkaClientProperties(KafkaUser.OBSERVER));
        observer.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, up.require(UpEnv.KAFKA));
        CanaryScan.topicsContaining(observer, canary).forEach(topic -> found.add("topic " + topic));
        CanaryScan.filesContaining(List.of(work), canary).forEach(file -> found.add("file " + file));
        return found;
    }

    private interface Kill {
        long run() throws Exception;
    }

    private interface Restart {
        void run() throws Exception;
    }

    private static KillSwitch.Target target(Kill kill, Restart restart) {
        return new KillSwitch.Target() {
            @Override
            public long kill() throws Exception {
                return kill.run();
            }

            @Override
            public void restart() throws Exception {
                restart.run();
            }
        };
    }
}
