package dev.bulwark.e2e;

import java.time.Duration;
import dev.bulwark.infra.DevTokens;
import dev.bulwark.infra.Durability;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.infra.LocalInfra;
import dev.bulwark.infra.LocalPki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole system on one machine: real Kafka and PostgreSQL ({@link LocalInfra}), the packaged cloud
 * service (one replica or several sharing the database, Kafka, keys and package storage), and agent
 * processes started on demand. Used by the demo, the end-to-end tests and the load tests. The cloud serves
 * https only, with a certificate of a local CA kept in its key folder ({@code cloud-keys/tls}, see
 * {@link LocalPki}); clients here trust that CA, and agents pin it ({@code connect --ca}).
 */
public final class BulwarkSystem implements AutoCloseable {
    /** The principal the harnesses act as. */
    public static final String ADMIN = "admin@bulwark.local";
    /** The example extensions' publisher namespace. */
    public static final String EXAMPLES_PUBLISHER = "Contoso.Monitoring";
    private final Path root;
    private final Path work;
    private final LocalInfra infra;
    private final LocalPki tls;
    private final List<QuarkusProcess> clouds;
    private final List<QuarkusProcess> agents = new ArrayList<>();

    /**
     * @param partitions    of every Bulwark topic (machines map to partitions by key; agent hosts own partitions)
     * @param cloudReplicas cloud processes sharing the work
     * @param cloudHeap     each cloud process's -Xmx
     * @param durability    of PostgreSQL: durable by default ({@code ./bulwark cloud}); the demo and tests choose fast
     * @param cloudSettings further {@code bulwark.cloud.*} settings of the cloud processes (a test's small page size)
     */
    public record Options(int partitions, int cloudReplicas, String cloudHeap, Durability durability,
                          Map<String, String> cloudSettings) {
        public static final Options DEFAULTS = new Options(LocalInfra.DEFAULT_PARTITIONS, 1, "512m", Durability.DURABLE);

        public Options {
            cloudSettings = Map.copyOf(cloudSettings);
        }

        /** Durable PostgreSQL. */
        public Options(int partitions, int cloudReplicas, String cloudHeap) {
            this(partitions, cloudReplicas, cloudHeap, Durability.DURABLE);
        }

        public Options(int partitions, int cloudReplicas, String cloudHeap, Durability durability) {
            this(partitions, cloudReplicas, cloudHeap, durability, Map.of());
        }

        public Options withDurability(Durability durability) {
            return new Options(partitions, cloudReplicas, cloudHeap, durability, cloudSettings);
        }

        public Options withCloudSetting(String key, String value) {
            Map<String, String> settings = new HashMap<>(cloudSettings);
            settings.put(key, value);
            return new Options(partitions, cloudReplicas, cloudHeap, durability, settings);
        }
    }

    private BulwarkSystem(Path root, Path work, LocalInfra infra, LocalPki tls, List<QuarkusProcess> clouds) {
        this.root = root;
        this.work = work;
        this.infra = infra;
        this.tls = tls;
        this.clouds = clouds;
    }

    /**
     * Starts Kafka, PostgreSQL and the cloud service with everything kept under {@code work}: the servers go on with
     * the data an earlier start left there (empty {@code work} first for a new system).
     */
    public static BulwarkSystem start(Path root, Path work) throws IOException {
        return start(root, work, Options.DEFAULTS);
    }

    public static BulwarkSystem start(Path root, Path work, Options options) throws IOException {
        Files.createDirectories(work);
        LocalInfra infra = LocalInfra.start(work.resolve("infra"), LocalInfra.Options.durable()
                .withPartitions(options.partitions()).withDurability(options.durability()));
        List<QuarkusProcess> clouds = new ArrayList<>();
        try {
            LocalPki tls = LocalPki.ensure(work.resolve("cloud-keys").resolve("tls"));
            for (int replica = 1; replica <= options.cloudReplicas(); replica++) {
                Map<String, String> cloudConfig = new HashMap<>(infra.quarkusConfig());
                cloudConfig.put("bulwark.cloud.key-dir", work.resolve("cloud-keys").toString());
                cloudConfig.putAll(PackagesConfig.forCloud(work));
                cloudConfig.putAll(options.cloudSettings());
                String name = options.cloudReplicas() == 1 ? "cloud-service" : "cloud-service-" + replica;
                clouds.add(QuarkusProcess.startService(name, cloudJar(root), cloudConfig, List.of(),
                        work.resolve("logs/" + name + ".log"), options.cloudHeap(), tls));
            }
            return new BulwarkSystem(root, work, infra, tls, clouds);
        } catch (IOException | RuntimeException e) {
            clouds.forEach(QuarkusProcess::close);
            infra.close();
            throw e;
        }
    }

    /**
     * Starts an agent process hosting the machine, or the fleet of simulated machines, under {@code home}; it
     * logs in to Kafka as agents do ({@link KafkaUser#AGENT}), so it can do on Kafka only what a real agent can.
     */
    public QuarkusProcess startAgent(Path home, String name) throws IOException {
        Map<String, String> config = new HashMap<>(infra.quarkusKafkaConfig(KafkaUser.AGENT));
        config.put("bulwark.agent.sync-interval", "PT5S");
        QuarkusProcess agent = QuarkusProcess.start(name, agentJar(root), config, List.of("run", "--home", home.toString()),
                work.resolve("logs/" + name + ".log"), "512m");
        agents.add(agent);
        return agent;
    }

    public AgentCli agentCli() {
        return new AgentCli(agentJar(root));
    }

    public CloudApi api(String subscription, String resourceGroup) {
        return new CloudApi(cloud().baseUrl(), caCertificate(), subscription, resourceGroup, adminToken(work.resolve("cloud-keys")));
    }

    /**
     * A token of the built-in issuer of the cloud whose keys are in {@code keyDir}, for the harnesses (demo, tests,
     * load tests): Owner of everything, and publisher of the example extensions' namespaces.
     */
    public static String adminToken(Path keyDir) {
        return DevTokens.fromKeyDir(keyDir).mint(ADMIN, List.of(new DevTokens.Role("Owner", "/"),
                publisherOf(EXAMPLES_PUBLISHER), publisherOf(ExtensionPublisher.RUN_SCRIPT_PUBLISHER)), Duration.ofHours(24));
    }

    private static DevTokens.Role publisherOf(String namespace) {
        return new DevTokens.Role("Extension Publisher", "/providers/Microsoft.HybridCompute/publishers/" + namespace);
    }

    /** The PEM of the CA the cloud's certificate comes from: what clients trust and agents pin ({@code --ca}). */
    public Path caCertificate() {
        return tls.caCertificate();
    }

    /** The first cloud replica: where clients send their requests. */
    public QuarkusProcess cloud() {
        return clouds.get(0);
    }

    public List<QuarkusProcess> clouds() {
        return clouds;
    }

    public LocalInfra infra() {
        return infra;
    }

    public Path work() {
        return work;
    }

    public static Path cloudJar(Path root) {
        return root.resolve("cloud-service/target/quarkus-app/quarkus-run.jar");
    }

    public static Path agentJar(Path root) {
        return root.resolve("agent-service/target/quarkus-app/quarkus-run.jar");
    }

    /** The checkout: {@code -Dbulwark.root}, else the working directory. */
    public static Path checkout() {
        return Path.of(System.getProperty("bulwark.root", ".")).toAbsolutePath().normalize();
    }

    @Override
    public void close() {
        agents.forEach(QuarkusProcess::close);
        stopExtensionProcesses();
        clouds.forEach(QuarkusProcess::close);
        infra.close();
    }

    /**
     * Extension processes that a real agent started and that outlive it, as on Arc (a daemon started by a handler's
     * enable keeps running when the agent stops): the system's own ones run from an extensions folder in its work
     * folder (an agent home's {@code extensions/<Publisher.Type-version>}).
     */
    private void stopExtensionProcesses() {
        String folder = work.toAbsolutePath() + "/";
        ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine()
                        .filter(line -> line.contains(folder) && line.contains("/extensions/")).isPresent())
                .forEach(ProcessHandle::destroyForcibly);
    }
}
