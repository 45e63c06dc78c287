package dev.bulwark.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server on 127.0.0.1 with a database {@code bulwark} owned by user
 * {@code bulwark} (password {@code bulwark}). Two flavours, both without Docker:
 * <ul>
 *   <li>embedded (default): PostgreSQL 14 binaries from Maven Central (io.zonky.test), which work
 *       as root and need nothing installed;</li>
 *   <li>system ({@code BULWARK_PG=system}): the machine's PostgreSQL 15 from
 *       {@code /usr/lib/postgresql/15/bin}, run as user {@code postgres} when we are root
 *       ({@code initdb} refuses root).</li>
 * </ul>
 * <p>Its data directory ({@code pg-embedded} or {@code pg-system} under the work directory) is used again by the
 * next start there, however the previous server ended ({@code kill -9} included; PostgreSQL recovers from its
 * WAL), and so is its port when free; {@code startFresh} wipes it first (tests). {@link Durability} chooses between
 * PostgreSQL's durable defaults and speed (fsync, synchronous_commit and full_page_writes off).
 */
public final class Postgres implements AutoCloseable {

    public static final String DATABASE = "bulwark";
    public static final String USER = "bulwark";
    public static final String PASSWORD = "bulwark";

    /** Where Debian puts the PostgreSQL 15 server binaries. */
    public static final Path SYSTEM_BIN = Path.of("/usr/lib/postgresql/15/bin");

    /**
     * Written in the data directory once the bulwark role and database exist: a directory without it is from a
     * first start that did not get that far, and is initialised again. It also keeps the port.
     */
    static final String READY_FILE = "bulwark-infra.properties";

    private final String description;
    private final int port;
    private final AutoCloseable server;
    private final ExitWatch exitWatch;
    private final Path dataDir;
    private final Durability durability;
    private final boolean reusedData;

    private Postgres(String description, int port, AutoCloseable server, Path dataDir, Durability durability,
                     boolean reusedData) {
        this.description = description;
        this.port = port;
        this.server = server;
        this.dataDir = dataDir;
        this.durability = durability;
        this.reusedData = reusedData;
        // PostgreSQL runs detached (pg_ctl): without this watch it would outlive a killed JVM.
        this.exitWatch = postmasterPid(dataDir)
                .map(ExitWatch::interruptOnExit)
                .orElseThrow(() -> new IllegalStateException("No postmaster.pid in " + dataDir + " after start"));
    }

    /**
     * Starts the flavour chosen by the environment variable {@code BULWARK_PG} ({@code system}, else embedded),
     * durable, on the data an earlier start left under {@code workDir} (if any).
     */
    public static Postgres start(Path workDir) {
        return start(workDir, Durability.DURABLE, false, System.getenv());
    }

    /** As {@link #start(Path)}, with {@code durability}; the data an earlier start left are kept. */
    public static Postgres start(Path workDir, Durability durability) {
        return start(workDir, durability, false, System.getenv());
    }

    /** As {@link #start(Path, Durability)} on an empty data directory: whatever was there is deleted first. */
    public static Postgres startFresh(Path workDir, Durability durability) {
        return start(workDir, durability, true, System.getenv());
    }

    static Postgres start(Path workDir, Durability durability, boolean fresh, Map<String, String> env) {
        return "system".equalsIgnoreCase(env.getOrDefault("BULWARK_PG", ""))
                ? startSystem(workDir, durability, fresh)
                : startEmbedded(workDir, durability, fresh);
    }

    /**
     * Starts the embedded PostgreSQL on {@code workDir/pg-embedded}: on the data there unless {@code fresh} or there
     * are none (then on a new cluster).
     */
    public static Postgres startEmbedded(Path workDir, Durability durability, boolean fresh) {
        Path dataDir = workDir.toAbsolutePath().resolve("pg-embedded");
        stopLeftover(dataDir);
        boolean reused = !fresh && initialised(dataDir);
        if (!reused) {
            FileTree.delete(dataDir); // initdb wants an empty directory; a killed JVM leaves a full one.
        }
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    // Only a fresh (test) directory goes with the server; any other is kept for the next start.
                    .setCleanDataDirectory(fresh)
                    .setPort(FreePort.reuseOrFind(previousPort(dataDir)))
                    // Where the database spends its time, per statement (CREATE EXTENSION pg_stat_statements to read it).
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    // We close it ourselves; its own hook would race with ours at JVM exit.
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60));
            // Set explicitly, DURABLE included: the embedded server is started with -F (fsync off) otherwise.
            durability.serverSettings().forEach(builder::setServerConfig);
            EmbeddedPostgres pg = builder.start();
            return ready("embedded PostgreSQL 14", pg.getPort(), pg, dataDir, durability, reused);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    /**
     * Starts the machine's PostgreSQL 15 on {@code workDir/pg-system} (on the cluster there unless {@code fresh} or
     * there is none), its Unix socket in that directory. As root, the directory is given to user {@code postgres},
     * which must be able to reach it (every parent directory searchable by others).
     */
    public static Postgres startSystem(Path workDir, Durability durability, boolean fresh) {
        if (!Files.isExecutable(SYSTEM_BIN.resolve("initdb"))) {
            throw new IllegalStateException("BULWARK_PG=system needs " + SYSTEM_BIN.resolve("initdb")
                    + " (Debian package postgresql-15); unset BULWARK_PG to use the embedded PostgreSQL");
        }
        Path dataDir = workDir.toAbsolutePath().resolve("pg-system");
        stopLeftover(dataDir);
        boolean reused = !fresh && initialised(dataDir);
        SystemPostgres pg = SystemPostgres.start(dataDir, FreePort.reuseOrFind(previousPort(dataDir)), durability, !reused);
        return ready("system PostgreSQL 15", pg.port(), pg, dataDir, durability, reused);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The form the Quarkus reactive client wants: no {@code jdbc:} prefix. */
    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String username() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public int port() {
        return port;
    }

    public Durability durability() {
        return durability;
    }

    /** True when this start used the data an earlier start left (no new cluster was initialised). */
    public boolean reusedData() {
        return reusedData;
    }

    /** The server's data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** The server's main process (the postmaster), e.g. to kill it in a test. */
    public ProcessHandle process() {
        return postmasterPid(dataDir).flatMap(ProcessHandle::of)
                .orElseThrow(() -> new IllegalStateException("No PostgreSQL runs on " + dataDir));
    }

    /** True while the server's postmaster runs (false once it was stopped, killed or crashed). */
    public boolean running() {
        return postmasterPid(dataDir).flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
    }

    /** What runs, e.g. "embedded PostgreSQL 14". */
    public String description() {
        return description;
    }

    /** Stops the server (fast shutdown); an embedded one started fresh also deletes its data directory. */
    @Override
    public void close() {
        exitWatch.close();
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop " + description + " on port " + port, e);
        }
    }

    @Override
    public String toString() {
        return description + " at " + jdbcUrl();
    }

    /**
     * Arms the exit watch, creates the bulwark role and database where they are missing, and marks the data
     * directory as ready ({@value #READY_FILE}, with the port); stops the server if any of that fails.
     */
    private static Postgres ready(String description, int port, AutoCloseable server, Path dataDir, Durability durability,
                                  boolean reused) {
        Postgres postgres;
        try {
            postgres = new Postgres(description, port, server, dataDir, durability, reused);
        } catch (RuntimeException e) {
            try {
                server.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        // Both flavours make "postgres" a superuser that needs no password over 127.0.0.1.
        String superuser = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
        try (Connection c = DriverManager.getConnection(superuser);
             Statement s = c.createStatement()) {
            if (!exists(s, "SELECT 1 FROM pg_roles WHERE rolname = '" + USER + "'")) {
                s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            }
            if (!exists(s, "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
            }
            FileTree.writeProperties(dataDir.resolve(READY_FILE), Map.of("port", String.valueOf(port)));
            return postgres;
        } catch (SQLException | IOException e) {
            postgres.close();
            throw new IllegalStateException("Could not create database " + DATABASE + " on " + description, e);
        }
    }

    private static boolean exists(Statement s, String query) throws SQLException {
        try (ResultSet rs = s.executeQuery(query)) {
            return rs.next();
        }
    }

    /** A data directory whose first start went as far as creating the bulwark database. */
    private static boolean initialised(Path dataDir) {
        return Files.isRegularFile(dataDir.resolve(READY_FILE)) && Files.isRegularFile(dataDir.resolve("PG_VERSION"));
    }

    private static int previousPort(Path dataDir) {
        return FileTree.intProperty(FileTree.readProperties(dataDir.resolve(READY_FILE)), "port");
    }

    /**
     * Should a server still run on the data directory we are about to use or wipe (it survived whatever
     * stopped the previous JVM, or is still shutting down), stop it first, so leftovers never pile up.
     */
    private static void stopLeftover(Path dataDir) {
        postmasterPid(dataDir)
                .flatMap(ProcessHandle::of)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
                .ifPresent(p -> {
                    System.err.println("bulwark-infra: stopping a PostgreSQL left running in " + dataDir
                            + " (pid " + p.pid() + ")");
                    fastShutdown(p);
                    try {
                        p.onExit().get(15, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        p.destroyForcibly();
                        try {
                            p.onExit().get(5, TimeUnit.SECONDS);
                        } catch (Exception ignored) {
                            // Starting will say why if it still runs.
                        }
                    }
                });
    }

    /** SIGINT: PostgreSQL's fast shutdown (SIGTERM, all that Java can send, waits for every client to leave). */
    private static void fastShutdown(ProcessHandle postmaster) {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(postmaster.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // No kill command: SIGTERM below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        postmaster.destroy();
    }

    /** The server's process id: the first line of postmaster.pid. */
    private static Optional<Long> postmasterPid(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // Absent, unreadable or half-written.
        }
    }
}
