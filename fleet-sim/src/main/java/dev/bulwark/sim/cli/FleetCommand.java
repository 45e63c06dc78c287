package dev.bulwark.sim.cli;

import dev.bulwark.infra.KafkaUser;
import dev.bulwark.sim.UpEnv;
import dev.bulwark.sim.fleet.FleetHost;
import dev.bulwark.sim.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code sim fleet}: hosts simulated machines on the real agent core until stopped. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "Host N simulated machines in this JVM on the real agent core (only the extension handler is"
                + " simulated): connect them in bulk, give each its local rules from the scenario, serve their operations"
                + " until Ctrl-C. Status at http://127.0.0.1:<status-port>/status.")
public final class FleetCommand implements Callable<Integer> {
    @Option(names = "--machines", description = "Machines of the whole fleet, sim-000001... (default: the scenario's).")
    Integer machines;

    @Option(names = "--scenario", description = "Scenario file with the shares of local rules (default: up.env's).")
    Path scenario;

    @Option(names = "--agent-hosts", description = "Processes the fleet is split over by partition (default ${DEFAULT-VALUE}).")
    int hosts = 1;

    @Option(names = "--host-index", description = "This process's share, from 0 (default ${DEFAULT-VALUE}).")
    int hostIndex = 0;

    @Option(names = "--home", description = "Where the machines' homes live (default ${DEFAULT-VALUE}).")
    Path home = Path.of(".bulwark/fleet");

    @Option(names = "--status-port", description = "Port of GET /status (default: any free one).")
    int statusPort = 0;

    @Option(names = "--cloud", description = "Cloud URL (default: up.env's).")
    URI cloud;

    @Option(names = "--ca", description = "The CA certificate (PEM) every machine pins for the cloud's TLS (default: up.env's;"
            + " none: the JVM's trust store).")
    Path ca;

    @Option(names = "--kafka", description = "Kafka bootstrap servers (default: up.env's).")
    String kafka;

    @Option(names = "--kafka-config", description = "Kafka client settings of the agents' user, a properties file with"
            + " security.protocol, sasl.mechanism, sasl.jaas.config (default: up.env's "
            + UpEnv.KAFKA_CLIENT_CONFIGS + "/bulwark-agent.properties, when it names one).")
    Path kafkaConfig;

    @Option(names = "--subscription", description = "Subscription of the machines (default: up.env's).")
    String subscription;

    @Option(names = "--resource-group", description = "Resource group of the machines (default: up.env's).")
    String resourceGroup;

    @Option(names = "--token", defaultValue = "${env:BULWARK_TOKEN}",
            description = "Onboarding token for the fleet's bulk registration (default: $BULWARK_TOKEN, else up.env's).")
    String token;

    @Option(names = "--env", description = "Defaults for the options above (default: .bulwark/up.env, when it exists).")
    Path env = Path.of(".bulwark/up.env");

    @Override
    public Integer call() throws Exception {
        UpEnv up = Files.exists(env) ? UpEnv.read(env) : new UpEnv(java.util.Map.of());
        Scenario rules = Scenario.read(scenario != null ? scenario : Path.of(up.require(UpEnv.SCENARIO)));
        int fleet = machines != null ? machines : rules.machines();
        if (hostIndex < 0 || hostIndex >= hosts) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--host-index must be from 0 to " + (hosts - 1) + " for --agent-hosts " + hosts);
        }
        FleetHost host = FleetHost.start(new FleetHost.Settings(home.toAbsolutePath(),
                cloud != null ? cloud : URI.create(up.require(UpEnv.URL)), ca != null ? ca : up.ca(),
                kafka != null ? kafka : up.require(UpEnv.KAFKA),
                kafkaConfig != null ? kafkaConfig.toAbsolutePath() : up.kafkaClientConfig(KafkaUser.AGENT),
                subscription != null ? subscription : up.require(UpEnv.SUBSCRIPTION),
                resourceGroup != null ? resourceGroup : up.require(UpEnv.RESOURCE_GROUP), rules, fleet, hosts, hostIndex, statusPort,
                token != null ? token : up.require(UpEnv.TOKEN)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            host.close();
            stopped.countDown();
        }, "fleet-stop"));
        System.out.printf("Fleet host %d/%d serves its machines of %d (scenario %s); status: http://127.0.0.1:%d/status%n",
                hostIndex + 1, hosts, fleet, rules.name(), host.statusPort());
        stopped.await();
        return 0;
    }
}
