package dev.bulwark.sim.fleet;

import dev.bulwark.e2e.BulwarkSystem;
import dev.bulwark.infra.Durability;
import dev.bulwark.infra.KafkaClientConfigs;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.e2e.CloudApi;
import dev.bulwark.infra.LocalPki;
import dev.bulwark.infra.ProcessArguments;
import dev.bulwark.model.files.PrivateFiles;
import dev.bulwark.sim.UpEnv;
import dev.bulwark.sim.cli.SimMain;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Processes that outlive the command that starts them ({@code ./bulwark up}): each runs in its own session
 * ({@code setsid}, so closing the terminal does not stop it), logs to {@code <dir>/logs/<name>.log}, and is
 * listed with its pid in {@code <dir>/processes}, which {@code down} and {@code status} read.
 *
 * <p>The instance that started a process remembers how, so it can {@link #kill} it with SIGKILL and
 * {@link #restart} it with the same command, ports and data ({@code ./bulwark chaos}). Kafka and PostgreSQL run under
 * the infra process, which starts either again on its data when it dies: {@link #killKafka} and {@link #killPostgres}
 * kill them, {@link #awaitKafkaBack} and {@link #awaitPostgresBack} wait until they serve again.
 */
public final class Background {

    private final Path dir;
    /** How each process this instance started was started, by name: what {@link #restart} runs again. */
    private final Map<String, Launch> launches = new ConcurrentHashMap<>();

    private record Launch(List<String> command, Map<String, String> environment, String url) {
    }

    private Background(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public static Background in(Path dir) {
        return new Background(dir);
    }

    /** One started process, as {@code processes} lists it. */
    public record Started(String name, long pid, String url) {
    }

    /** As {@link #startInfra(Path, int, Durability)}, durable. */
    public Map<String, String> startInfra(Path root, int partitions) throws IOException, InterruptedException {
        return startInfra(root, partitions, Durability.DURABLE);
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
        await("Kafka and PostgreSQL", Duration.ofMinutes(3), () -> Files.exists(env) || exited("infra"));
        if (exited("infra")) {
            throw new IllegalStateException("Kafka and PostgreSQL did not start: see " + log("infra"));
        }
        return UpEnv.read(env).values();
    }

    /**
     * SIGKILL to the Kafka broker (the child JVM of the infra process), whose pid its data directory names; returns
     * that pid once it is gone.
     */
    public long killKafka() throws IOException {
        Path pidFile = dir.resolve("infra").resolve("kafka").resolve("broker.pid");
        long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
        String properties = dir.resolve("infra").resolve("kafka").resolve("server.properties").toString();
        return killPid("the Kafka broker", pid, handle -> ProcessArguments.contains(handle, properties));
    }

    /**
     * Waits until the Kafka broker killed as {@code killedPid} was started again by the infra process (which watches
     * it: {@code LocalInfra.restartDeadServers}) and answers an admin request at its address.
     */
    public void awaitKafkaBack(Map<String, String> infra, long killedPid, Duration timeout) throws IOException, InterruptedException {
        Path pidFile = dir.resolve("infra").resolve("kafka").resolve("broker.pid");
        Map<String, Object> admin = new HashMap<>(new UpEnv(infra).kafkaClientProperties(KafkaUser.ADMIN));
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.get("KAFKA_BOOTSTRAP_SERVERS"));
        admin.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "250");
        try (Admin client = Admin.create(admin)) {
            await("the Kafka broker, started again", timeout, () -> {
                if (!livesAgain(pidFile, killedPid)) {
                    return false;
                }
                try {
                    client.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return true;
                } catch (ExecutionException | TimeoutException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        }
    }

    /**
     * Waits until PostgreSQL killed as {@code killedPid} was started again by the infra process and accepts a
     * connection to the bulwark database at its address.
     */
    public void awaitPostgresBack(Map<String, String> infra, long killedPid, Duration timeout) throws IOException, InterruptedException {
        await("PostgreSQL, started again", timeout, () -> {
            if (!livesAgain(postgresData().resolve("postmaster.pid"), killedPid)) {
                return false;
            }
            try (Connection db = DriverManager.getConnection(infra.get("BULWARK_DB_URL"),
                    infra.get("BULWARK_DB_USER"), infra.get("BULWARK_DB_PASSWORD"))) {
                return db.isValid(2);
            } catch (SQLException e) {
                return false;
            }
        });
    }

    /** True when {@code pidFile}'s first line names a running process other than {@code killedPid}. */
    private static boolean livesAgain(Path pidFile, long killedPid) {
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim());
            return pid != killedPid && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false; // absent or half-written
        }
    }

    /** SIGKILL to PostgreSQL's postmaster (its backends then end on their own); returns its pid once it is gone. */
    public long killPostgres() throws IOException {
        Path pidFile = postgresData().resolve("postmaster.pid");
        long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim());
        return killPid("PostgreSQL", pid, handle -> handle.info().command().map(command -> command.endsWith("postgres")).orElse(false));
    }

    private Path postgresData() {
        Path system = dir.resolve("infra").resolve("pg-system");
        return Files.isRegularFile(system.resolve("postmaster.pid")) ? system : dir.resolve("infra").resolve("pg-embedded");
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
        long replicas = launches.keySet().stream().filter(name -> name.startsWith("cloud")).count();
        return startCloud(root, infra, replicas == 0 ? "cloud" : "cloud-" + (replicas + 1));
    }

    /**
     * As {@link #startCloud(Path, Map)}, as process {@code name}. Its ports (API and storage, which operations name in
     * their download URLs) are chosen once: a {@link #restart} keeps them.
     */
    public String startCloud(Path root, Map<String, String> infra, String name) throws IOException, InterruptedException {
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
                "-Dbulwark.storage.dir=" + dir.resolve("storage"), "-Dbulwark.storage.host=127.0.0.1",
                "-Dbulwark.storage.port=" + freePort(),
                "-jar", BulwarkSystem.cloudJar(root).toString()));
        tls.quarkusConfig().forEach((key, value) -> command.add(command.size() - 2, "-D" + key + "=" + value));
        start(name, url, command, kafkaEnvironment(new UpEnv(infra), KafkaUser.CLOUD));
        awaitReady(name, Duration.ofMinutes(2));
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
        }
        for (int host = 0; host < hosts; host++) {
            awaitReady(hosts == 1 ? "fleet" : "fleet-" + (host + 1), timeout);
        }
    }

    /**
     * Waits until process {@code name} serves: a cloud's readiness check answers 200, a fleet host says it is ready
     * (every machine connected and reported, partitions assigned), a real agent's health answers 200.
     */
    public void awaitReady(String name, Duration timeout) throws IOException, InterruptedException {
        Launch launch = launches.get(name);
        if (launch == null || launch.url() == null) {
            throw new IllegalArgumentException("no process " + name + " with an address was started here");
        }
        String url = launch.url();
        if (url.endsWith("/status")) {
            await("the simulated fleet (" + url + ")", timeout, () -> alive(name)
                    && FleetStatus.fetch(url, false).map(FleetStatus::ready).orElse(false));
        } else {
            HttpClient trusting = CloudApi.httpClient(cloudTls().caCertificate(), Duration.ofSeconds(2));
            String check = url.startsWith("https:") ? url + "/q/health/ready" : url;
            await(name + " (" + check + ")", timeout, () -> alive(name) && ready(trusting, check));
        }
    }

    /** True while process {@code name} runs; throws once it exited, so that nobody waits for a dead process to get ready. */
    private boolean alive(String name) throws IOException {
        if (exited(name)) {
            throw new IllegalStateException(name + " exited before it was ready: see " + log(name));
        }
        return true;
    }

    private boolean exited(String name) throws IOException {
        return started().stream().filter(p -> p.name().equals(name)).findFirst()
                .map(p -> ProcessHandle.of(p.pid()).map(handle -> !handle.isAlive()).orElse(true)).orElse(false);
    }

    /**
     * SIGKILL to process {@code name} (as {@code kill -9}: no shutdown hook runs); returns its pid once it is gone.
     */
    public long kill(String name) throws IOException {
        Started process = started().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no process " + name + " in " + dir.resolve("processes")));
        return killPid(name, process.pid(), handle -> true);
    }

    /**
     * Process {@code name} started again with the command, environment, ports and data of its first start (it must
     * not run); returns once it serves again ({@link #awaitReady}), or at once for a process without an address.
     */
    public void restart(String name, Duration timeout) throws IOException, InterruptedException {
        Launch launch = launches.get(name);
        if (launch == null) {
            throw new IllegalArgumentException("no process " + name + " was started here");
        }
        start(name, launch.url(), launch.command(), launch.environment());
        if (launch.url() != null) {
            awaitReady(name, timeout);
        }
    }

    /** Stops process {@code name} if it runs (SIGTERM, SIGKILL after {@code grace}) and forgets it; false if it did not run. */
    public boolean stop(String name, Duration grace) throws IOException {
        Optional<Started> process = started().stream().filter(p -> p.name().equals(name)).findFirst();
        boolean ran = false;
        if (process.isPresent()) {
            Optional<ProcessHandle> handle = ProcessHandle.of(process.get().pid());
            if (handle.isPresent() && handle.get().isAlive()) {
                ran = true;
                handle.get().destroy();
                try {
                    handle.get().onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception stillRunning) {
                    System.out.println(name + " did not stop within " + grace.toSeconds() + " s: killed");
                    handle.get().destroyForcibly();
                }
            }
            rewriteProcesses(name, null);
        }
        return ran;
    }

    /**
     * SIGKILL to {@code pid}, which must be alive and be {@code what} (so that a stale pid file never gets another
     * process killed); waits until it is gone.
     */
    private static long killPid(String what, long pid, Predicate<ProcessHandle> is) {
        ProcessHandle handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new IllegalStateException(what + " (pid " + pid + ") does not run"));
        if (!is.test(handle)) {
            throw new IllegalStateException("pid " + pid + " is not " + what + ": " + handle.info().command().orElse("?"));
        }
        handle.destroyForcibly(); // SIGKILL
        try {
            handle.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(what + " (pid " + pid + ") survived SIGKILL for 30 s", e);
        }
        return pid;
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
        // A process started again writes after what it logged before (which tells what it was doing when it died).
        ProcessBuilder builder = new ProcessBuilder(detached)
                .redirectErrorStream(true)
                .redirectOutput(launches.containsKey(name) ? ProcessBuilder.Redirect.appendTo(log(name).toFile())
                        : ProcessBuilder.Redirect.to(log(name).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        launches.put(name, new Launch(List.copyOf(command), Map.copyOf(environment), url));
        rewriteProcesses(name, name + " " + process.pid() + " " + (url == null ? "-" : url));
    }

    /** Puts {@code line} in place of process {@code name}'s line in {@code processes} (at the end if it has none; null: removes it). */
    private synchronized void rewriteProcesses(String name, String line) throws IOException {
        Path file = dir.resolve("processes");
        List<String> lines = new ArrayList<>(Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of());
        int index = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(name + " ")) {
                index = i;
            }
        }
        if (line == null && index >= 0) {
            lines.remove(index);
        } else if (line != null && index >= 0) {
            lines.set(index, line);
        } else if (line != null) {
            lines.add(line);
        }
        PrivateFiles.write(file, (String.join("\n", lines) + (lines.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8), false);
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
