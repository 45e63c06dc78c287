package dev.bulwark.sim.cli;

import dev.bulwark.e2e.BulwarkSystem;
import dev.bulwark.e2e.CloudApi;
import dev.bulwark.e2e.ExtensionPublisher;
import dev.bulwark.infra.Durability;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.sim.UpEnv;
import dev.bulwark.sim.baseline.Baseline;
import dev.bulwark.sim.fleet.Background;
import dev.bulwark.sim.fleet.FleetStatus;
import dev.bulwark.sim.fleet.ProcessCpu;
import dev.bulwark.sim.load.RecordSizes;
import dev.bulwark.sim.load.RolloutWorkload;
import dev.bulwark.sim.load.RunResult;
import dev.bulwark.sim.report.RunReport;
import dev.bulwark.sim.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code sim bench}: self-contained, like the demo. Starts Kafka, PostgreSQL, the cloud (one replica or more)
 * and the simulated fleet (one host or more) in the background, runs a fleet-wide install on every machine,
 * checks every outcome, measures the raw pipeline on the same servers, prints and writes one JSON report, and
 * stops everything.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Fleet-wide install on N simulated machines, every outcome checked by the oracle, compared with"
                + " the raw Kafka + PostgreSQL pipeline in the same run; prints and writes one JSON report and a PNG chart.")
public final class BenchCommand implements Callable<Integer> {
    private static final Path SHARED_MEMORY = Path.of("/dev/shm");

    @Option(names = "--machines", description = "Simulated machines (default ${DEFAULT-VALUE}).")
    int machines = 10_000;

    @Option(names = "--scenario", description = "Local rules and extension, relative to the checkout (default ${DEFAULT-VALUE}).")
    Path scenario = Path.of("examples/scenarios/mixed-rules.json");

    @Option(names = "--cloud-replicas", description = "Cloud processes sharing the work (default ${DEFAULT-VALUE}).")
    int cloudReplicas = 1;

    @Option(names = "--agent-hosts", description = "Processes the fleet is split over, by partition (default ${DEFAULT-VALUE}).")
    int agentHosts = 1;

    @Option(names = "--partitions", description = "Partitions of every topic (default ${DEFAULT-VALUE}).")
    int partitions = 16;

    @Option(names = "--json", description = "Where to write the report (default: .bulwark/reports/bench-<machines>.json).")
    Path json;

    @Option(names = "--warm-up", description = "Operations of unmeasured installs first (rollouts of at most the fleet's"
            + " size), so that every JVM's JIT compiler is at its steady state when the measured one starts"
            + " (default ${DEFAULT-VALUE}; 0: none).")
    int warmUp = 30_000;

    @Option(names = "--work", description = "Directory for the servers' data and logs, relative to the checkout, emptied first (default: ${DEFAULT-VALUE}).")
    Path work = Path.of(".bulwark/bench");

    @Override
    public Integer call() throws Exception {
        Path root = BulwarkSystem.checkout();
        Path work = root.resolve(this.work).toAbsolutePath().normalize();
        delete(work);
        // 100,000 machines are a million small files: on tmpfs they cost no disk I/O (same files, same code).
        // The name follows the work directory, so that a run killed before it could clean up is cleaned by the next.
        Path fleetHomes = Files.isDirectory(SHARED_MEMORY)
                ? SHARED_MEMORY.resolve("bulwark-bench-" + Integer.toHexString(work.hashCode())) : work.resolve("fleet");
        delete(fleetHomes);
        Path scenario = root.resolve(this.scenario).toAbsolutePath().normalize();
        Scenario rules = Scenario.read(scenario);
        Background background = Background.in(work);
        Thread cleanup = new Thread(() -> stopQuietly(background), "bench-stop");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            say("Starting Kafka (" + partitions + " partitions per topic), PostgreSQL and " + cloudReplicas + " cloud replica(s)...");
            Map<String, String> infra = background.startInfra(root, partitions, Durability.FAST);
            List<String> clouds = new ArrayList<>();
            for (int replica = 1; replica <= cloudReplicas; replica++) {
                clouds.add(background.startCloud(root, infra));
            }
            Path ca = background.cloudTls().caCertificate();
            CloudApi api = new CloudApi(clouds.get(0), ca, UpMain.SUBSCRIPTION, UpMain.RESOURCE_GROUP, background.adminToken());
            ExtensionPublisher.publish(api, ExtensionPublisher.logShipper(root), rules.extension().publisher(),
                    rules.extension().type(), rules.extension().version(), work.resolve("packages"));
            UpEnv up = new UpEnv(env(clouds.get(0), ca, infra, machines, scenario, api.token()));

            say("Connecting " + machines + " simulated machines in " + agentHosts + " host(s), in bulk, each with the local"
                    + " rules of scenario " + rules.name() + "...");
            long connecting = System.nanoTime();
            background.startFleet(up, agentHosts, fleetHomes, Duration.ofMinutes(20));
            say(String.format("Connected and reported in %.0f s.", (System.nanoTime() - connecting) / 1e9));
            awaitCloudSeesEveryReport(api, rules);

            for (int left = warmUp; left > 0; left -= machines) {
                say("Warm-up (not measured): install on " + Math.min(left, machines) + " machines...");
                RolloutWorkload.warmUp(api, rules, Math.min(left, machines), Duration.ofMinutes(30));
            }
            say("Fleet-wide install of " + rules.extension().id() + " on " + machines + " machines (one rollout)...");
            Instant startedAt = Instant.now();
            ProcessCpu before = ProcessCpu.sample(background.started(), work);
            ProcessCpu[] after = new ProcessCpu[1];
            RunResult result = RolloutWorkload.run(api, rules, machines, UUID.randomUUID().toString().substring(0, 8),
                    Duration.ofMinutes(30), () -> after[0] = ProcessCpu.sample(startedQuietly(background), work));
            long heap = background.fleetStatuses(true).stream().mapToLong(FleetStatus::heapUsedBytes).sum();

            say("Baseline: the same number of records, of the same sizes, through the same Kafka and PostgreSQL...");
            RecordSizes sizes = RecordSizes.sample(up.require(UpEnv.KAFKA), up.kafkaClientProperties(KafkaUser.OBSERVER));
            // The baseline creates and deletes its own topics and groups: the admin's work.
            Baseline.Result baseline = Baseline.run(new Baseline.Settings(up.require(UpEnv.KAFKA),
                    up.kafkaClientProperties(KafkaUser.ADMIN), infra.get("BULWARK_DB_URL"), infra.get("BULWARK_DB_USER"), infra.get("BULWARK_DB_PASSWORD"), machines,
                    sizes.operationBytes(), sizes.resultBytes(), partitions));

            Path report = json != null ? json : root.resolve(".bulwark/reports/bench-" + machines + ".json");
            RunReport written = Reports.write(report, rules, result, machines, baseline.seconds(), heap, cloudReplicas,
                    agentHosts, startedAt, after[0].msPerOperationSince(before, result.operations()));
            System.out.println(written.summary());
            System.out.println(written.toJson());
            return Reports.exitCode(result);
        } finally {
            stopQuietly(background);
            delete(fleetHomes);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    /** The what-if of a rollout predicts Unknown for machines whose report the cloud has not projected yet. */
    static void awaitCloudSeesEveryReport(CloudApi api, Scenario rules) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (true) {
            var whatIf = api.putRollout("reports-check", RolloutWorkload.whatIf(rules));
            int unknown = whatIf.body().path("properties").path("prediction").path("predicted").path("unknown").asInt(-1);
            if (unknown == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the cloud still misses reports of " + unknown + " machines: " + whatIf.body());
            }
            Thread.sleep(2_000);
        }
    }

    static Map<String, String> env(String cloud, Path ca, Map<String, String> infra, int machines, Path scenario,
                                           String token) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(UpEnv.URL, cloud);
        env.put(UpEnv.CA, ca.toString());
        env.put(UpEnv.SUBSCRIPTION, UpMain.SUBSCRIPTION);
        env.put(UpEnv.RESOURCE_GROUP, UpMain.RESOURCE_GROUP);
        UpEnv.putKafka(env, infra);
        env.put(UpEnv.MACHINES, Integer.toString(machines));
        env.put(UpEnv.SCENARIO, scenario.toAbsolutePath().normalize().toString());
        env.put(UpEnv.TOKEN, token);
        return env;
    }

    static List<Background.Started> startedQuietly(Background background) {
        try {
            return background.started();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void stopQuietly(Background background) {
        try {
            background.stopAll(Duration.ofSeconds(10));
        } catch (Exception e) {
            System.err.println("could not stop everything: " + e);
        }
    }

    static void delete(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    static void say(String line) {
        System.out.println("==> " + line);
    }
}
