package dev.bulwark.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
 * Durability is traded for speed (fsync and synchronous_commit off): this is for tests and local runs.
 */
public final class Postgres implements AutoCloseable {

    public static final String DATABASE = "bulwark";
    public static final String USER = "bulwark";
    public static final String PASSWORD = "bulwark";

    /** Where Debian puts the PostgreSQL 15 server binaries. */
    public static final Path SYSTEM_BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final String description;
    private final int port;
    private final AutoCloseable server;
    private final ExitWatch exitWatch;

    private Postgres(String description, int port, AutoCloseable server, Path dataDir) {
        this.description = description;
        this.port = port;
        this.server = server;
        // PostgreSQL runs detached (pg_ctl): without this watch it would outlive a killed JVM.
        this.exitWatch = postmasterPid(dataDir)
                .map(ExitWatch::interruptOnExit)
                .orElseThrow(() -> new IllegalStateException("No postmaster.pid in " + dataDir + " after start"));
    }

    /** Starts the flavour chosen by the environment variable {@code BULWARK_PG} ({@code system}, else embedded). */
    public static Postgres start(Path workDir) {
        return start(workDir, System.getenv());
    }

    static Postgres start(Path workDir, Map<String, String> env) {
        return "system".equalsIgnoreCase(env.getOrDefault("BULWARK_PG", ""))
                ? startSystem(workDir)
                : startEmbedded(workDir);
    }

    /** Starts the embedded PostgreSQL with a fresh data directory {@code workDir/pg-embedded}. */
    public static Postgres startEmbedded(Path workDir) {
        Path dataDir = workDir.toAbsolutePath().resolve("pg-embedded");
        stopLeftover(dataDir);
        FileTree.delete(dataDir); // initdb wants an empty directory; a killed JVM leaves a full one.
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(true)
                    .setPort(FreePort.find())
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    // Where the database spends its time, per statement (CREATE EXTENSION pg_stat_statements to read it).
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    // We close it ourselves; its own hook would race with ours at JVM exit.
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            return ready("embedded PostgreSQL 14", pg.getPort(), pg, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    /**
     * Starts the machine's PostgreSQL 15 with a fresh cluster in {@code workDir/pg-system}, its Unix
     * socket in that directory. As root, the directory is given to user {@code postgres}, which must be
     * able to reach it (every parent directory searchable by others).
     */
    public static Postgres startSystem(Path workDir) {
        if (!Files.isExecutable(SYSTEM_BIN.resolve("initdb"))) {
            throw new IllegalStateException("BULWARK_PG=system needs " + SYSTEM_BIN.resolve("initdb")
                    + " (Debian package postgresql-15); unset BULWARK_PG to use the embedded PostgreSQL");
        }
        Path dataDir = workDir.toAbsolutePath().resolve("pg-system");
        stopLeftover(dataDir);
        SystemPostgres pg = SystemPostgres.start(dataDir, FreePort.find());
        return ready("system PostgreSQL 15", pg.port(), pg, dataDir);
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

    /** What runs, e.g. "embedded PostgreSQL 14". */
    public String description() {
        return description;
    }

    /** Stops the server (fast shutdown) and, for the embedded one, deletes its data directory. */
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

    /** Arms the exit watch and creates the bulwark role and database; stops the server if either fails. */
    private static Postgres ready(String description, int port, AutoCloseable server, Path dataDir) {
        Postgres postgres;
        try {
            postgres = new Postgres(description, port, server, dataDir);
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
            s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
            return postgres;
        } catch (SQLException e) {
            postgres.close();
            throw new IllegalStateException("Could not create database " + DATABASE + " on " + description, e);
        }
    }

    /**
     * Should a server still run on the data directory we are about to wipe (it survived whatever
     * stopped the previous JVM), stop it first, so leftovers never pile up.
     */
    private static void stopLeftover(Path dataDir) {
        postmasterPid(dataDir)
                .flatMap(ProcessHandle::of)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
                .ifPresent(p -> {
                    System.err.println("bulwark-infra: stopping a PostgreSQL left running in " + dataDir
                            + " (pid " + p.pid() + ")");
                    p.destroy();
                    try {
                        p.onExit().get(15, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        p.destroyForcibly();
                    }
                });
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
