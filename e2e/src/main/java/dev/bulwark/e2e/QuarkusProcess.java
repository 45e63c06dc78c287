package dev.bulwark.e2e;

import dev.bulwark.infra.LocalPki;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged Quarkus application ({@code quarkus-run.jar}) running as its own process, as it runs on a
 * server: configured by system properties, logging to a file, ready when {@code /q/health/ready} says so.
 * Started with a {@link LocalPki}, it serves https only with that CA's server certificate (its plain-http
 * port is chosen too, and must stay closed), and everything here that calls it trusts that CA alone.
 */
public final class QuarkusProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;
    private final int plainHttpPort;
    private final LocalPki tls;

    private QuarkusProcess(String name, Process process, Path log, int port, int plainHttpPort, LocalPki tls) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
        this.plainHttpPort = plainHttpPort;
        this.tls = tls;
    }

    /** A short-lived process (tests, CLI runs): C1 only, which starts fastest. */
    public static QuarkusProcess start(String name, Path jar, Map<String, String> properties, List<String> args,
                                       Path log, String heap) throws IOException {
        return start(name, jar, properties, args, log, List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), null);
    }

    /**
     * A service that runs long or under load: the full JIT (C2), which costs a few seconds of warm-up and
     * then runs the hot paths (signatures, JSON, SQL encoding) several times faster than C1 alone.
     */
    public static QuarkusProcess startService(String name, Path jar, Map<String, String> properties, List<String> args,
                                              Path log, String heap) throws IOException {
        return startService(name, jar, properties, args, log, heap, null);
    }

    /** As above, serving https only with {@code tls}'s server certificate (null: plain http). */
    public static QuarkusProcess startService(String name, Path jar, Map<String, String> properties, List<String> args,
                                              Path log, String heap, LocalPki tls) throws IOException {
        return start(name, jar, properties, args, log, List.of("-Xmx" + heap, "-XX:+UseParallelGC"), tls);
    }

    private static QuarkusProcess start(String name, Path jar, Map<String, String> properties, List<String> args,
                                        Path log, List<String> jvmOptions, LocalPki tls) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw -DskipTests package)");
        }
        int port = freePort();
        int plainHttpPort = tls == null ? port : freePort();
        List<String> command = new ArrayList<>(List.of(javaExecutable()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dquarkus.http.port=" + plainHttpPort, "-Dquarkus.http.host=127.0.0.1"));
        if (tls != null) {
            command.add("-Dquarkus.http.ssl-port=" + port);
            tls.quarkusConfig().forEach((key, value) -> command.add("-D" + key + "=" + value));
        }
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        QuarkusProcess app = new QuarkusProcess(name, process, log, port, plainHttpPort, tls);
        try {
            app.awaitReady();
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        return app;
    }

    public String baseUrl() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
    }

    /** The port plain http would use: the same as {@link #baseUrl()}'s without TLS; with TLS, nothing may listen. */
    public int plainHttpPort() {
        return plainHttpPort;
    }

    /** The CA whose certificate this process serves, or null when it serves plain http. */
    public LocalPki tls() {
        return tls;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitReady() {
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2));
        if (tls != null) {
            client.sslContext(trust());
        }
        HttpClient http = client.build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was ready:\n" + logTail());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            pause(200);
        }
        throw new IllegalStateException(name + " was not ready within " + READY_TIMEOUT.toSeconds() + " s:\n" + logTail());
    }

    private SSLContext trust() {
        return tls.trust().sslContext();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
