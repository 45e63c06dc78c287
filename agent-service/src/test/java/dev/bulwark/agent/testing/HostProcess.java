package dev.bulwark.agent.testing;

import dev.bulwark.agent.host.AgentHost;
import dev.bulwark.agent.host.AgentHostSettings;
import dev.bulwark.infra.KafkaBroker;
import dev.bulwark.infra.KafkaUser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * An {@link AgentHost} in a JVM of its own, so that a test can kill it with SIGKILL ({@link Process#destroyForcibly()})
 * as an operator's {@code kill -9} would: nothing closes, nothing flushes, the broker sees its connections drop.
 * Started with the test classpath: {@link #start}; its main prints {@value #READY} once the host runs.
 */
public final class HostProcess {
    public static final String READY = "bulwark-test-host: started";

    private HostProcess() {
    }

    /** Starts a host on {@code home} as {@link KafkaUser#AGENT}, simulated handlers taking {@code handlerDuration}. */
    public static Process start(KafkaBroker broker, Path home, Duration handlerDuration, Path log) throws IOException {
        Path kafka = home.resolve("test-kafka.properties");
        if (!Files.exists(kafka)) {
            Files.createFile(kafka, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Properties properties = new Properties();
        broker.clientProperties(KafkaUser.AGENT).forEach(properties::setProperty);
        properties.setProperty("bootstrap.servers", broker.bootstrapServers());
        try (var out = Files.newBufferedWriter(kafka, StandardCharsets.UTF_8)) {
            properties.store(out, null);
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                HostProcess.class.getName(), home.toString(), kafka.toString(), Long.toString(handlerDuration.toMillis()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Properties kafka = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.UTF_8)) {
            kafka.load(in);
        }
        AgentHostSettings.Builder settings = AgentHostSettings.builder(home, kafka.getProperty("bootstrap.servers"))
                .configCheckInterval(Duration.ofMillis(200))
                .syncInterval(Duration.ofMinutes(10))
                .handlerDuration(Duration.ofMillis(Long.parseLong(args[2])))
                .durableState(false);
        for (String key : kafka.stringPropertyNames()) {
            if (!key.equals("bootstrap.servers")) {
                settings.kafka(key, kafka.getProperty(key));
            }
        }
        AgentHost host = AgentHost.create(settings.build());
        host.start();
        System.out.println(READY + " at " + System.currentTimeMillis());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until killed
    }
}
