package dev.bulwark.e2e;

import dev.bulwark.infra.LocalInfra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole system on one machine: real Kafka and PostgreSQL ({@link LocalInfra}), the packaged cloud
 * service, and agent processes started on demand. Used by the demo and by the end-to-end tests.
 */
public final class BulwarkSystem implements AutoCloseable {
    private final Path root;
    private final Path work;
    private final LocalInfra infra;
    private final QuarkusProcess cloud;
    private final List<QuarkusProcess> agents = new ArrayList<>();

    private BulwarkSystem(Path root, Path work, LocalInfra infra, QuarkusProcess cloud) {
        this.root = root;
        this.work = work;
        this.infra = infra;
        this.cloud = cloud;
    }

    /** Starts Kafka, PostgreSQL and the cloud service with everything kept under {@code work}. */
    public static BulwarkSystem start(Path root, Path work) throws IOException {
        Files.createDirectories(work);
        LocalInfra infra = LocalInfra.start(work.resolve("infra"));
        try {
            Map<String, String> cloudConfig = new HashMap<>(infra.quarkusConfig());
            cloudConfig.put("bulwark.cloud.key-dir", work.resolve("cloud-keys").toString());
            cloudConfig.putAll(PackagesConfig.forCloud(work));
            QuarkusProcess cloud = QuarkusProcess.start("cloud-service", cloudJar(root), cloudConfig, List.of(),
                    work.resolve("logs/cloud-service.log"), "512m");
            return new BulwarkSystem(root, work, infra, cloud);
        } catch (IOException | RuntimeException e) {
            infra.close();
            throw e;
        }
    }

    /** Starts an agent process hosting the machine, or the fleet of simulated machines, under {@code home}. */
    public QuarkusProcess startAgent(Path home, String name) throws IOException {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", infra.bootstrapServers());
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
        return new CloudApi(cloud.baseUrl(), subscription, resourceGroup);
    }

    public QuarkusProcess cloud() {
        return cloud;
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
        cloud.close();
        infra.close();
    }
}
