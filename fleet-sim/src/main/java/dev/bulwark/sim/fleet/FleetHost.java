package dev.bulwark.sim.fleet;

import com.sun.net.httpserver.HttpServer;
import dev.bulwark.agent.AgentHome;
import dev.bulwark.agent.config.ConfigEdit;
import dev.bulwark.agent.config.ConfigException;
import dev.bulwark.agent.config.LocalConfig;
import dev.bulwark.agent.config.LocalConfigStore;
import dev.bulwark.agent.host.AgentHost;
import dev.bulwark.agent.host.AgentHostSettings;
import dev.bulwark.agent.host.HostStats;
import dev.bulwark.agent.host.MachinePartitions;
import dev.bulwark.agent.identity.Connector;
import dev.bulwark.agent.identity.RegistrationCredential;
import dev.bulwark.agent.tls.PinnedCa;
import dev.bulwark.infra.KafkaClientConfigs;
import dev.bulwark.model.Json;
import dev.bulwark.model.MachineIds;
import dev.bulwark.model.Topics;
import dev.bulwark.sim.scenario.Scenario;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * One process of a simulated fleet: the machines of a scenario whose partitions this host owns, connected in
 * bulk, given their local rules in-process through the agent's own configuration store, and served by the
 * real agent core ({@link AgentHost}). Only the extension handler is simulated (it does nothing and succeeds).
 * Answers {@code GET /status} (see {@link FleetStatus}).
 *
 * <p>Machines map to partitions by their key, so with {@code hosts} processes, host {@code i} takes the
 * machines on partitions {@code p % hosts == i}: each host reads only its own partitions.
 */
public final class FleetHost implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FleetHost.class.getName());

    /**
     * @param ca          the CA every machine pins for the cloud's TLS ({@code connect --ca}); null: the JVM's trust store
     * @param kafkaConfig the Kafka client settings file of the agents' user ({@code sasl.jaas.config}...); null: none
     * @param hosts       processes the fleet is split over; {@code hostIndex} is this one's, from 0
     * @param statusPort  of {@code GET /status}; 0 picks one
     */
    public record Settings(Path home, URI cloud, Path ca, String kafka, Path kafkaConfig, String subscription, String resourceGroup,
                           Scenario scenario, int machines, int hosts, int hostIndex, int statusPort, String onboardingToken) {
        @Override
        public String toString() {
            return "Settings[" + home + ", " + cloud + ", " + machines + " machines, token redacted]";
        }

        /** What the fleet's Kafka clients set besides the bootstrap servers. */
        Map<String, String> kafkaClient() {
            return kafkaConfig == null ? Map.of() : KafkaClientConfigs.read(kafkaConfig);
        }
    }

    private final Settings settings;
    private final HttpServer status;
    private volatile int planned;
    private volatile int connected;
    private volatile int partitions;
    private volatile double connectSeconds;
    private volatile AgentHost host;

    private FleetHost(Settings settings) throws IOException {
        this.settings = settings;
        this.status = HttpServer.create(new InetSocketAddress("127.0.0.1", settings.statusPort()), 0);
        status.createContext("/status", exchange -> {
            boolean gc = exchange.getRequestURI().getQuery() != null && exchange.getRequestURI().getQuery().contains("gc=true");
            byte[] body = Json.encode(status(gc));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        status.start();
    }

    /** Connects this host's machines, sets their rules and starts serving them; returns once the agent runs. */
    public static FleetHost start(Settings settings) throws IOException {
        FleetHost fleet = new FleetHost(settings);
        try {
            fleet.connectAndRun();
            return fleet;
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    public int statusPort() {
        return status.getAddress().getPort();
    }

    private void connectAndRun() throws IOException {
        long started = System.nanoTime();
        partitions = partitionCount(settings.kafka(), settings.kafkaClient());
        List<Integer> indices = IntStream.rangeClosed(1, settings.machines())
                .filter(index -> MachinePartitions.of(machineId(index), partitions) % settings.hosts() == settings.hostIndex())
                .boxed().toList();
        planned = indices.size();
        List<String> names = indices.stream().map(Scenario::machineName).toList();
        PinnedCa ca = settings.ca() == null ? null : PinnedCa.fromFile(settings.ca());
        Connector.Outcome outcome = new Connector(new RegistrationCredential.BearerToken(settings.onboardingToken()))
                .connect(settings.home(), Connector.Request.fleet(settings.cloud(), settings.subscription(), settings.resourceGroup(),
                        names, List.of()).withCloudCa(ca));
        if (!outcome.failures().isEmpty()) {
            throw new IOException(outcome.failures().size() + " machines could not connect, for example: "
                    + outcome.failures().get(0));
        }
        connected = outcome.connected().size();
        indices.parallelStream().forEach(this::applyRules);
        connectSeconds = (System.nanoTime() - started) / 1e9;
        LOG.log(System.Logger.Level.INFO, "connected " + connected + " machines with their local rules in "
                + String.format("%.1f", connectSeconds) + " s");
        AgentHostSettings.Builder agent = AgentHostSettings.builder(settings.home(), settings.kafka())
                .handlerDuration(Duration.ZERO)
                .durableState(false)
                // A fleet's reports after start cost the cloud a signature check each: once an hour is plenty.
                .syncInterval(Duration.ofHours(1))
                .configCheckInterval(Duration.ofMinutes(5))
                .maxPollRecords(2_000);
        // Simulated machines log in to Kafka as real agents do: they may do only what agents may.
        settings.kafkaClient().forEach(agent::kafka);
        host = AgentHost.create(agent.build());
        host.start();
    }

    /** The scenario's rules for machine {@code index}, written as {@code bulwark-agent config set} writes them. */
    private void applyRules(int index) {
        Path home = AgentHome.simulatedMachine(settings.home(), Scenario.machineName(index));
        Map<String, String> wanted = settings.scenario().ruleClassOf(index).settings(settings.scenario().extension().id());
        try {
            LocalConfig config = LocalConfig.parse(null);
            for (Map.Entry<String, String> setting : wanted.entrySet()) {
                config = ConfigEdit.set(config, setting.getKey(), setting.getValue(), ConfigEdit.ListChange.REPLACE);
            }
            new LocalConfigStore(home).replace(config, false);
        } catch (ConfigException e) {
            throw new IllegalStateException("the scenario's rules for " + Scenario.machineName(index) + " are refused: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String machineId(int index) {
        return MachineIds.resourceId(settings.subscription(), settings.resourceGroup(), Scenario.machineName(index));
    }

    private static int partitionCount(String kafka, Map<String, String> kafkaClient) throws IOException {
        Map<String, Object> config = new HashMap<>(kafkaClient);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        try (Admin admin = Admin.create(config)) {
            return admin.describeTopics(List.of(Topics.EXTENSION_OPERATIONS)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.EXTENSION_OPERATIONS).partitions().size();
        } catch (Exception e) {
            throw new IOException("cannot read the partitions of " + Topics.EXTENSION_OPERATIONS + " at " + kafka + ": " + e, e);
        }
    }

    FleetStatus status(boolean collectGarbage) {
        if (collectGarbage) {
            System.gc();
        }
        AgentHost running = host;
        HostStats stats = running == null ? null : running.stats();
        long reports = stats == null ? 0 : stats.reportsSent.sum();
        boolean ready = running != null && running.status().assignedPartitions() > 0 && reports >= connected && connected == planned;
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new FleetStatus("host " + (settings.hostIndex() + 1) + "/" + settings.hosts(), planned, connected, reports,
                ready, stats == null ? 0 : stats.consumed.sum(), stats == null ? 0 : stats.succeeded.sum(),
                stats == null ? 0 : stats.failed.sum(), stats == null ? 0 : stats.duplicates.sum(),
                stats == null ? 0 : stats.deadLetters.sum(), heap, running == null ? 0 : running.status().assignedPartitions(),
                connectSeconds);
    }

    @Override
    public void close() {
        if (host != null) {
            host.close();
        }
        status.stop(0);
    }
}
