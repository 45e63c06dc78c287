package dev.bulwark.sim.cli;

import dev.bulwark.e2e.BulwarkSystem;
import dev.bulwark.e2e.CloudApi;
import dev.bulwark.e2e.ExtensionPublisher;
import dev.bulwark.infra.Durability;
import dev.bulwark.sim.UpEnv;
import dev.bulwark.sim.fleet.Background;
import dev.bulwark.sim.scenario.Scenario;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.bulwark.agent.handler.ExtensionCgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./bulwark up | down | status}: the whole system in the background, for exploring it and for
 * {@code sim run}. {@code up} returns once everything is ready and writes {@code .bulwark/up.env}.
 */
@Command(name = "bulwark", mixinStandardHelpOptions = true, subcommands = {UpMain.Up.class, UpMain.Down.class, UpMain.Status.class})
public final class UpMain {
    static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000b0b0";
    static final String RESOURCE_GROUP = "fleet-rg";
    static final Path UP = Path.of(".bulwark/up");
    static final Path ENV = Path.of(".bulwark/up.env");

    /**
     * Where simulated machines live: tmpfs when the machine has one (a million small files cost no disk I/O
     * there; they are the same files, read and written by the same code), else beside the rest.
     */
    static Path fleetHomes() {
        Path sharedMemory = Path.of("/dev/shm");
        return Files.isDirectory(sharedMemory) ? sharedMemory.resolve("bulwark-up") : UP;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new UpMain()).execute(args));
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Start Kafka, PostgreSQL, the cloud, a host of"
            + " simulated machines and real agents in the background; publish the example extensions; write .bulwark/up.env.")
    static final class Up implements Callable<Integer> {
        @Option(names = "--machines", description = "Simulated machines, sim-000001... (default ${DEFAULT-VALUE}).")
        int machines = 100;

        @Option(names = "--real", description = "Agents in their own processes, each connected as a real server's, real-0001... (default ${DEFAULT-VALUE}).")
        int real = 0;

        @Option(names = "--scenario", description = "Local rules of the simulated machines (default ${DEFAULT-VALUE}).")
        Path scenario = Path.of("examples/scenarios/mixed-rules.json");

        @Option(names = "--agent-hosts", description = "Processes the simulated machines are split over, by partition (default ${DEFAULT-VALUE}).")
        int agentHosts = 1;

        @Override
        public Integer call() throws Exception {
            Background background = Background.in(UP);
            if (background.anyAlive()) {
                System.out.println("Already running (./bulwark status shows what; ./bulwark down stops it).");
                return 0;
            }
            Path root = BulwarkSystem.checkout();
            Scenario.read(scenario); // fails now, not in a background process
            // A fresh start: the database is new, so machines must be too (a machine remembers the catalog
            // versions it accepted, and would rightly refuse a new cloud's version 1 as a conflict).
            BenchCommand.delete(UP);
            BenchCommand.delete(fleetHomes());
            Map<String, String> infra = background.startInfra(root, 16, Durability.DURABLE);
            String cloud = background.startCloud(root, infra);
            Path ca = background.cloudTls().caCertificate();
            CloudApi api = new CloudApi(cloud, ca, SUBSCRIPTION, RESOURCE_GROUP, background.adminToken());
            Scenario rules = Scenario.read(scenario);
            CloudApi.Response published = ExtensionPublisher.publish(api, ExtensionPublisher.logShipper(root),
                    rules.extension().publisher(), rules.extension().type(), rules.extension().version(), UP.resolve("packages"));
            if (published.status() / 100 != 2) {
                throw new IllegalStateException("publishing the example extension answered " + published.status() + ": " + published.body());
            }
            ExtensionPublisher.publishRunScript(api, root, UP.resolve("packages"));
            Map<String, String> env = new LinkedHashMap<>();
            env.put(UpEnv.URL, cloud);
            env.put(UpEnv.CA, ca.toString());
            env.put(UpEnv.SUBSCRIPTION, SUBSCRIPTION);
            env.put(UpEnv.RESOURCE_GROUP, RESOURCE_GROUP);
            UpEnv.putKafka(env, infra);
            env.put(UpEnv.DB_URL, infra.get("BULWARK_DB_URL"));
            env.put(UpEnv.DB_USER, infra.get("BULWARK_DB_USER"));
            env.put(UpEnv.DB_PASSWORD, infra.get("BULWARK_DB_PASSWORD"));
            env.put(UpEnv.SCENARIO, scenario.toAbsolutePath().normalize().toString());
            env.put(UpEnv.MACHINES, Integer.toString(machines));
            env.put(UpEnv.TOKEN, api.token());
            UpEnv up = new UpEnv(env);
            if (machines > 0) {
                background.startFleet(up, agentHosts, fleetHomes(), Duration.ofMinutes(10));
            }
            List<String> realAgents = new ArrayList<>();
            for (int i = 1; i <= real; i++) {
                realAgents.add(background.startRealAgent(root, up, String.format("real-%04d", i)));
            }
            up.write(ENV);
            System.out.printf("%nBulwark is up: cloud %s, %d simulated machines (%s) in %d host(s)%s.%n", cloud, machines,
                    rules.name(), agentHosts, real == 0 ? "" : ", real agents " + String.join(", ", realAgents));
            System.out.printf("Coordinates: %s (source it).  Try: ./bulwark sim run   Stop: ./bulwark down%n", ENV);
            System.out.printf("The API is https only, with a certificate of the local CA in $BULWARK_CA:%n"
                    + "  . %s && curl --cacert \"$BULWARK_CA\" \"$BULWARK_URL/q/health\"%n"
                    + "API calls need a token: $BULWARK_TOKEN (an administrator's, 24 h) or ./bulwark token (docs/security.md).%n", ENV);
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop what ./bulwark up started.")
    static final class Down implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            int stopped = Background.in(UP).stopAll(Duration.ofSeconds(10));
            stopRealAgentsExtensions();
            Files.deleteIfExists(ENV);
            if (!fleetHomes().equals(UP)) {
                BenchCommand.delete(fleetHomes()); // it is memory
            }
            System.out.println(stopped == 0 ? "Nothing was running." : "Stopped " + stopped + " process(es).");
            return 0;
        }
    }

    /**
     * Extensions outlive their agent, as on a real server; but what up started, down stops: every process
     * the real agents' extensions left (a log shipper's loop) goes with its cgroups.
     */
    static void stopRealAgentsExtensions() throws IOException {
        if (!Files.isDirectory(UP)) {
            return;
        }
        try (var homes = Files.newDirectoryStream(UP, "real-*")) {
            for (Path home : homes) {
                ExtensionCgroups.detect(ExtensionCgroups.machineKey(home)).removeMachineGroup();
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Say what ./bulwark up started and whether it runs.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            List<String> lines = Background.in(UP).describe();
            if (lines.isEmpty()) {
                System.out.println("Nothing runs (start it with ./bulwark up).");
                return 1;
            }
            lines.forEach(System.out::println);
            return 0;
        }
    }
}
