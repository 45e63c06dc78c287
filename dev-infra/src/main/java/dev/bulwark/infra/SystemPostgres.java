package dev.bulwark.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine's PostgreSQL 15 run with {@code initdb} and {@code pg_ctl} on a private cluster. As root
 * it runs them through {@code runuser -u postgres}, because initdb refuses to run as root.
 */
final class SystemPostgres implements AutoCloseable {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path dataDir;
    private final int port;

    private SystemPostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * Starts a server on {@code dataDir}; {@code init}: on a new cluster (whatever was there is deleted first),
     * else on the cluster an earlier start initialised there.
     */
    static SystemPostgres start(Path dataDir, int port, Durability durability, boolean init) {
        if (init) {
            FileTree.delete(dataDir);
            try {
                Files.createDirectories(dataDir);
                if (ROOT) {
                    UserPrincipalLookupService users = dataDir.getFileSystem().getUserPrincipalLookupService();
                    Files.setOwner(dataDir, users.lookupPrincipalByName("postgres"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not prepare " + dataDir + " for user postgres", e);
            }
            // Trust authentication: the cluster listens on 127.0.0.1 only.
            List<String> initdb = new ArrayList<>(List.of(bin("initdb"), "-D", dataDir.toString(), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--no-instructions"));
            if (durability == Durability.FAST) {
                initdb.add("--no-sync");
            }
            run(initdb, 60);
        }
        List<String> options = new ArrayList<>(List.of(
                "-p", String.valueOf(port),
                "-k", quoted(dataDir.toString()),
                "-c", "listen_addresses=127.0.0.1"));
        durability.serverSettings().forEach((name, value) -> options.addAll(List.of("-c", name + "=" + value)));
        run(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-l", dataDir.resolve("postgres.log").toString(),
                "-o", String.join(" ", options), "-w", "-t", "60", "start"), 90);
        return new SystemPostgres(dataDir, port);
    }

    int port() {
        return port;
    }

    /** Stops the server (fast shutdown); nothing to do when it is gone already (killed). */
    @Override
    public void close() {
        if (!running()) {
            return;
        }
        run(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "30", "stop"), 45);
    }

    private boolean running() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            return !lines.isEmpty() && ProcessHandle.of(Long.parseLong(lines.get(0).trim())).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static String bin(String tool) {
        return Postgres.SYSTEM_BIN.resolve(tool).toString();
    }

    /** pg_ctl hands -o to a shell: single quotes keep a path with spaces in one piece. */
    private static String quoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Runs a PostgreSQL tool (as user postgres when we are root) and fails with its output. */
    private static void run(List<String> command, int timeoutSeconds) {
        List<String> full = new ArrayList<>();
        if (ROOT) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        try {
            Path output = Files.createTempFile("bulwark-pg-", ".log");
            try {
                // Output goes to a file, not a pipe: pg_ctl's server inherits it and would keep a pipe open.
                Process p = new ProcessBuilder(full)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("Timed out after " + timeoutSeconds + " s: " + String.join(" ", full)
                            + "\n" + Files.readString(output, StandardCharsets.UTF_8));
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("Failed (exit " + p.exitValue() + "): " + String.join(" ", full)
                            + "\n" + Files.readString(output, StandardCharsets.UTF_8));
                }
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", full), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.get(0), e);
        }
    }
}
