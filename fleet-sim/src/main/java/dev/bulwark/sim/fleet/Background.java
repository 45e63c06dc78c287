package dev.bulwark.sim.fleet;

import dev.bulwark.e2e.BulwarkSystem;
import dev.bulwark.infra.Durability;
import dev.bulwark.infra.KafkaClientConfigs;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.e2e.CloudApi;
import dev.bulwark.infra.LocalPki;
import dev.bulwark.sim.UpEnv;
import dev.bulwark.sim.cli.SimMain;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Processes that outlive the command that starts them ({@code ./bulwark up}): each runs in its own session
 * ({@code setsid}, so closing the terminal does not stop it), logs to {@code <dir>/logs/<name>.log}, and is
 * listed with its pid in {@code <dir>/processes}, which {@code down} and {@code status} read.
 */
public final class Background {

    private final Path dir;

    private Background(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public static Background in(Path dir) {
        return new Background(dir);
    }

    /** One started process, as {@code processes} lists it. */
    public record Started(String name, long pid, String url) {
    }

    /**
     * Kafka and PostgreSQL in one background JVM, their data in {@code <dir>/infra} (kept there: started again on it,
     * they go on with it); returns its coordinates (KAFKA_BOOTSTRAP_SERVERS, BULWARK_DB_*). {@code durability}: of
     * PostgreSQL ({@code up} runs durable; the benchmarks, which measure what was measured before, fast).
     */
    public Map<String, String> startInfra(Path root, int partitions, Durability durability) throws IOException, InterruptedException {
        Path env = dir.resolve("infra.env");
        Files.deleteIfExists(env);
        start("infra", null, List.of(java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.bulwark.infra.LocalInfraMain", dir.resolve("infra").toString(), env.toString(), Integer.toString(partitions)),
                Map.of(Durability.VARIABLE, durability.name().toLowerCase(java.util.Locale.ROOT)));
        await("Kafka and PostgreSQL", Duration.ofMinutes(3), () -> Files.exists(env));
        return UpEnv.read(env).values();
    }

    /**
     * The local CA and the cloud's server certificate, kept in the cloud's key folder ({@code cloud-keys/tls}):
     * made on first use, then reused by every replica and restart.
     */
    public LocalPki cloudTls() {
        return LocalPki.ensure(dir.resolve("cloud-keys").resolve("tls"));
    }

    /**
     * The cloud service (full JIT), https only on a free port; returns its URL once it is ready. Its Kafka user's
     * settings go in its environment ({@code KAFKA_SASL_JAAS_CONFIG}...), not on its command line.
     */
    public String startCloud(Path root, Map<String, String> infra) throws IOException, InterruptedException {
        int port = freePort();
        String url = "https://127.0.0.1:" + port;
        LocalPki tls = cloudTls();
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx1g", "-XX:+UseParallelGC",
                "-Dquarkus.http.ssl-port=" + port, "-Dquarkus.http.port=" + freePort(), "-Dquarkus.http.host=127.0.0.1",
                "-Dkafka.bootstrap.servers=" + infra.get("KAFKA_BOOTSTRAP_SERVERS"),
                "-Dquarkus.datasource.jdbc.url=" + infra.get("QUARKUS_DATASOURCE_JDBC_URL"),
                "-Dquarkus.datasource.reactive.url=" + infra.get("QUARKUS_DATASOURCE_REACTIVE_URL"),
                "-Dquarkus.datasource.username=" + infra.get("BULWARK_DB_USER"),
                "-Dquarkus.datasource.password=" + infra.get("BULWARK_DB_PASSWORD"),
                "-Dbulwark.cloud.key-dir=" + dir.resolve("cloud-keys"),
                "-Dbulwark.storage.dir=" + dir.resolve("storage"), "-Dbulwark.storage.host=127.0.0.1", "-Dbulwark.storage.port=0",
                "-jar", BulwarkSystem.cloudJar(root).toString()));
        tls.quarkusConfig().forEach((key, value) -> command.add(command.size() - 2, "-D" + key + "=" + value));
        start("cloud", url, command, kafkaEnvironment(new UpEnv(infra), KafkaUser.CLOUD));
        HttpClient trusting = CloudApi.httpClient(tls.caCertificate(), Duration.ofSeconds(2));
        await("the cloud service", Duration.ofMinutes(2), () -> ready(trusting, url + "/q/health/ready"));
        return url;
    }

    /** An administrator's token for the cloud {@link #startCloud} started (its built-in issuer's key is here). */
    public String adminToken() {
        return BulwarkSystem.adminToken(dir.resolve("cloud-keys"));
    }

    /**
     * Simulated machines split over {@code hosts} processes by partition, their homes under {@code homes};
     * returns once every host says it is ready.
     */
    public void startFleet(UpEnv up, int hosts, Path homes, Duration timeout) throws IOException, InterruptedException {
        List<String> statusUrls = new ArrayList<>();
        for (int host = 0; host < hosts; host++) {
            int port = freePort();
            String name = hosts == 1 ? "fleet" : "fleet-" + (host + 1);
            List<String> command = new ArrayList<>(List.of(java(), "-Xmx2g", "-XX:+UseParallelGC", "-cp",
                    System.getProperty("java.class.path"), SimMain.class.getName(), "fleet",
                    "--home", homes.resolve(name).toString(), "--status-port", Integer.toString(port),
                    "--agent-hosts", Integer.toString(hosts), "--host-index", Integer.toString(host),
                    "--machines", up.require(UpEnv.MACHINES), "--scenario", up.require(UpEnv.SCENARIO),
                    "--cloud", up.require(UpEnv.URL), "--ca", up.require(UpEnv.CA), "--kafka", up.require(UpEnv.KAFKA),
                    "--subscription", up.require(UpEnv.SUBSCRIPTION), "--resource-group", up.require(UpEnv.RESOURCE_GROUP)));
            Path kafkaConfig = up.kafkaClientConfig(KafkaUser.AGENT);
            if (kafkaConfig != null) {
                command.addAll(List.of("--kafka-config", kafkaConfig.toString()));
            }
            String status = "http://127.0.0.1:" + port + "/status";
            start(name, status, command, Map.of(UpEnv.TOKEN, up.require(UpEnv.TOKEN)));
            statusUrls.add(status);
        }
        for (String status : statusUrls) {
            await("the simulated fleet (" + status + ")", timeout, () -> FleetStatus.fetch(status, false).map(FleetStatus::ready).orElse(false));
        }
    }

    /** A real agent: connected like a real server's (one PUT with its keys), then {@code bulwark-agent run} on its own. */
    public String startRealAgent(Path root, UpEnv up, String name) throws IOException, InterruptedException {
        Path home = dir.resolve(name);
        Path agentJar = BulwarkSystem.agentJar(root);
        ProcessBuilder connect = new ProcessBuilder(java(), "-jar", agentJar.toString(), "connect", "--home", home.toString(),
                "--cloud", up.require(UpEnv.URL), "--ca", up.require(UpEnv.CA), "--subscription", up.require(UpEnv.SUBSCRIPTION),
                "--resource-group", up.require(UpEnv.RESOURCE_GROUP), "--machine", name)
                .redirectErrorStream(true).redirectOutput(log(name + "-connect").toFile());
        connect.environment().put(UpEnv.TOKEN, up.require(UpEnv.TOKEN)); // not an argument: ps shows arguments
        Process connected = connect.start();
        if (connected.waitFor() != 0) {
            throw new IllegalStateException("connecting " + name + " failed: see " + log(name + "-connect"));
        }
        int port = freePort();
        start(name, "http://127.0.0.1:" + port + "/q/health", List.of(java(), "-Xmx256m", "-XX:+UseSerialGC",
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-Dkafka.bootstrap.servers=" + up.require(UpEnv.KAFKA),
                "-jar", agentJar.toString(), "run", "--home", home.toString()), kafkaEnvironment(up, KafkaUser.AGENT));
        return name;
    }

    /** What every running fleet host says ({@code collectGarbage}: after a full GC, for its live heap). */
    public List<FleetStatus> fleetStatuses(boolean collectGarbage) throws IOException {
        List<FleetStatus> statuses = new ArrayList<>();
        for (Started process : started()) {
            if (process.url() != null && process.url().endsWith("/status")) {
                FleetStatus.fetch(process.url(), collectGarbage).ifPresent(statuses::add);
            }
        }
        return statuses;
    }

    public boolean anyAlive() throws IOException {
        return started().stream().anyMatch(process -> ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false));
    }

    /** Stops everything in reverse order of start (SIGTERM, then SIGKILL after {@code grace}); returns how many ran. */
    public int stopAll(Duration grace) throws IOException {
        List<Started> started = started();
        int stopped = 0;
        for (int i = started.size() - 1; i >= 0; i--) {
            Optional<ProcessHandle> handle = ProcessHandle.of(started.get(i).pid());
            if (handle.isPresent() && handle.get().isAlive()) {
                stopped++;
                handle.get().destroy();
                try {
                    handle.get().onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (Exception stillRunning) {
                    System.out.println(started.get(i).name() + " did not stop within " + grace.toSeconds() + " s: killed");
                    handle.get().destroyForcibly();
                }
            }
        }
        Files.deleteIfExists(dir.resolve("processes"));
        return stopped;
    }

    public List<String> describe() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Started process : started()) {
            boolean alive = ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false);
            String extra = "";
            if (alive && process.url() != null && process.url().endsWith("/status")) {
                extra = FleetStatus.fetch(process.url(), false).map(FleetStatus::describe).orElse("");
            } else if (alive && process.url() != null) {
                extra = process.url();
            }
            lines.add(String.format("%-10s pid %-8d %-7s %s", process.name(), process.pid(), alive ? "running" : "stopped", extra));
        }
        return lines;
    }

    private static Map<String, String> kafkaEnvironment(UpEnv up, KafkaUser user) {
        return KafkaClientConfigs.asEnvironment(up.kafkaClientProperties(user));
    }

    private void start(String name, String url, List<String> command) throws IOException {
        start(name, url, command, Map.of());
    }

    /** @param environment added to the process's environment (secrets, which arguments would show to ps) */
    private void start(String name, String url, List<String> command, Map<String, String> environment) throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        List<String> detached = new ArrayList<>(command);
        if (new File("/usr/bin/setsid").canExecute()) {
            detached.add(0, "/usr/bin/setsid");
        }
        ProcessBuilder builder = new ProcessBuilder(detached)
                .redirectErrorStream(true)
                .redirectOutput(log(name).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        Files.writeString(dir.resolve("processes"), name + " " + process.pid() + " " + (url == null ? "-" : url) + "\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    public List<Started> started() throws IOException {
        Path file = dir.resolve("processes");
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Started> started = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 3) {
                started.add(new Started(parts[0], Long.parseLong(parts[1]), "-".equals(parts[2]) ? null : parts[2]));
            }
        }
        return started;
    }

    private Path log(String name) {
        return dir.resolve("logs").resolve(name + ".log");
    }

    static boolean ready(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    interface Check {
        boolean done() throws IOException;
    }

    private void await(String what, Duration timeout, Check check) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.done()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not become ready within " + timeout.toSeconds() + " s: see " + dir.resolve("logs"));
            }
            Thread.sleep(250);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
