package dev.bulwark.infra;

import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * Runs {@link LocalInfra} for the demo and the {@code ./bulwark} scripts:
 * <pre>LocalInfraMain [WORK_DIR [ENV_FILE [PARTITIONS]]]</pre>
 * WORK_DIR (default {@code .bulwark/infra}) holds the servers' data; ENV_FILE, if given, receives the
 * coordinates as {@code KEY=value} lines that a shell can {@code source} (KAFKA_BOOTSTRAP_SERVERS,
 * BULWARK_KAFKA_CLIENT_CONFIGS, BULWARK_DB_URL, BULWARK_DB_USER, BULWARK_DB_PASSWORD, QUARKUS_DATASOURCE_*).
 * It is written only once everything is ready, so a script can wait for it to appear. Kafka's passwords
 * are not in it: BULWARK_KAFKA_CLIENT_CONFIGS is the directory of one 0600 client settings file per user.
 *
 * <p>The servers keep their data in WORK_DIR: started again there (after a stop, a crash or {@code kill -9}),
 * they go on with it. PostgreSQL is durable unless the variable {@value Durability#VARIABLE} says {@code fast}.
 * While it runs, a server that dies (the broker or PostgreSQL killed or crashed) is started again on its data and
 * its port within seconds ({@link LocalInfra#restartDeadServers}).
 *
 * <p>Runs until its standard input closes or it gets SIGTERM/SIGINT, then stops everything. When
 * standard input cannot close later ({@code /dev/null}, as a script's background job gets, a file, or
 * none), only a signal stops it.
 */
public final class LocalInfraMain {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@,=+-]*");
    /** How long a dead server may fail to start again before the launcher gives up. */
    static final java.time.Duration GIVE_UP_AFTER = java.time.Duration.ofMinutes(2);

    private LocalInfraMain() {
    }

    public static void main(String[] args) throws Exception {
        Path workDir = Path.of(args.length > 0 ? args[0] : ".bulwark/infra").toAbsolutePath();
        Path envFile = args.length > 1 ? Path.of(args[1]).toAbsolutePath() : null;
        if (envFile != null) {
            Files.deleteIfExists(envFile); // A stale file must not look like a ready infrastructure.
        }

        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : LocalInfra.DEFAULT_PARTITIONS;
        Durability durability = Durability.parse(System.getenv(Durability.VARIABLE), Durability.DURABLE);
        LocalInfra infra = LocalInfra.start(workDir, LocalInfra.Options.durable().withPartitions(partitions)
                .withDurability(durability));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            infra.close();
            stopped.countDown();
        }, "bulwark-infra-stop"));

        superviseServers(infra);

        String lines = envLines(infra.environment());
        if (envFile != null) {
            // It names the servers' passwords: the owner's alone, like the files it points at.
            PrivateFiles.write(envFile, lines.getBytes(StandardCharsets.UTF_8), false);
            System.out.println("bulwark-infra: coordinates written to " + envFile);
        }
        System.out.print(lines);
        System.out.flush();

        if (stdinCanClose()) {
            System.out.println("bulwark-infra: running until standard input closes, SIGTERM or SIGINT");
            drain(System.in);
            infra.close();
        } else {
            System.out.println("bulwark-infra: running until SIGTERM or SIGINT");
            stopped.await();
        }
        System.out.println("bulwark-infra: stopped");
        System.exit(0); // Client libraries may leave non-daemon threads behind.
    }

    /**
     * Every second, starts again on its data a server that died ({@link LocalInfra#restartDeadServers}), as a
     * supervisor would: a {@code kill -9} of the broker or of PostgreSQL costs an outage, not the data or the address.
     * A server that cannot be started again for {@link #GIVE_UP_AFTER} makes this process exit (status 1), which
     * stops the other one too, so that a broken server never looks like a running one.
     */
    private static void superviseServers(LocalInfra infra) {
        Thread supervisor = new Thread(() -> {
            long failingSince = 0;
            while (true) {
                try {
                    Thread.sleep(1_000);
                    infra.restartDeadServers().forEach(line -> System.out.println("bulwark-infra: " + line));
                    failingSince = 0;
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    failingSince = failingSince == 0 ? System.nanoTime() : failingSince;
                    System.err.println("bulwark-infra: could not start a stopped server again (trying again): " + e.getMessage());
                    if (System.nanoTime() - failingSince > GIVE_UP_AFTER.toNanos()) {
                        System.err.println("bulwark-infra: giving up after " + GIVE_UP_AFTER.toSeconds() + " s: stopping");
                        System.exit(1);
                    }
                }
            }
        }, "bulwark-infra-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    /** {@code KEY=value} lines; values with shell-special characters are single-quoted. */
    static String envLines(Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        env.forEach((key, value) -> out.append(key).append('=').append(shellValue(value)).append('\n'));
        return out.toString();
    }

    private static String shellValue(String value) {
        return PLAIN.matcher(value).matches() ? value : "'" + value.replace("'", "'\\''") + "'";
    }

    /**
     * Only a pipe, a socket or a terminal can close later. /dev/null, a file or no standard input at all
     * (as a script's background job or CI may give) are at their end from the start: then wait for a
     * signal instead. Linux tells what fd 0 is; elsewhere, trust standard input.
     */
    private static boolean stdinCanClose() {
        Path fd0 = Path.of("/proc/self/fd/0");
        if (!Files.isDirectory(fd0.getParent())) {
            return true;
        }
        try {
            String target = Files.readSymbolicLink(fd0).toString();
            return target.startsWith("pipe:") || target.startsWith("socket:")
                    || target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException e) {
            return false;
        }
    }

    private static void drain(InputStream in) {
        try {
            byte[] ignored = new byte[256];
            while (in.read(ignored) >= 0) {
                // Input is ignored; only its end matters.
            }
        } catch (IOException e) {
            // Treated as end of input.
        }
    }
}
