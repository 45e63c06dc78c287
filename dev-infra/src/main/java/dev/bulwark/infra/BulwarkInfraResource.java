package dev.bulwark.infra;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points {@code @QuarkusTest}s at real Kafka and PostgreSQL, and gives the application a server certificate
 * so it serves TLS as it does by default everywhere else: one {@link LocalInfra} per test JVM,
 * started by the first test that needs it, on empty data under {@code target/bulwark-infra} with a fast (not
 * durable) PostgreSQL ({@link LocalInfra.Options#forTests()}), shared by all test classes, and stopped when the JVM exits. Register it once per module, on any one test class:
 * <pre>{@code @WithTestResource(value = BulwarkInfraResource.class, scope = TestResourceScope.GLOBAL)}</pre>
 * (or {@code @QuarkusTestResource(value = BulwarkInfraResource.class, restrictToAnnotatedClass = false)}).
 * Test code reaches the servers through {@link #infra()}, e.g. {@code infra().kafkaClientConfig(KafkaUser.AGENT)},
 * and the local CA (under {@code target/bulwark-infra/tls}) through {@link #pki()}, to trust it. The application's
 * Kafka clients connect as {@link KafkaUser#CLOUD}.
 *
 * <p>Quarkus may load this class in more than one class loader (e.g. when a test profile restarts
 * the application). The coordinates are therefore also kept in system properties, which every copy
 * sees, so a second copy reuses the running servers instead of starting new ones. (Copies are used
 * one after the other: test classes in one JVM run sequentially.)
 */
public class BulwarkInfraResource implements QuarkusTestResourceLifecycleManager {

    private static final String SHARED_KEY = "bulwark.infra.";
    private static final String[] SHARED = {
        "KAFKA_BOOTSTRAP_SERVERS", LocalInfra.KAFKA_CLIENT_CONFIGS, "BULWARK_DB_URL", "BULWARK_DB_USER", "BULWARK_DB_PASSWORD"};

    private static final Path WORK = Path.of("target", "bulwark-infra").toAbsolutePath();

    private static LocalInfra infra;

    /** The infrastructure of this test JVM, started on first use. */
    public static synchronized LocalInfra infra() {
        if (infra == null) {
            infra = System.getProperty(SHARED_KEY + SHARED[0]) != null ? attach() : startForThisJvm();
        }
        return infra;
    }

    /** The local CA and the server certificate the application serves, made on first use and then reused. */
    public static LocalPki pki() {
        return LocalPki.ensure(WORK.resolve("tls"));
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(infra().quarkusConfig());
        config.putAll(pki().quarkusConfig());
        return config;
    }

    /**
     * Nothing: the next test class uses the same servers. A JVM shutdown hook stops them, and they stop
     * by themselves when the JVM dies without running it (see {@link KafkaBroker}, {@link Postgres}).
     */
    @Override
    public void stop() {
    }

    private static LocalInfra startForThisJvm() {
        LocalInfra started = LocalInfra.start(WORK, LocalInfra.Options.forTests());
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "bulwark-infra-stop"));
        started.environment().forEach((key, value) -> System.setProperty(SHARED_KEY + key, value));
        return started;
    }

    /** Another class loader started the servers: use them, as if the environment had named them. */
    private static LocalInfra attach() {
        Map<String, String> env = new HashMap<>();
        for (String key : SHARED) {
            env.put(key, System.getProperty(SHARED_KEY + key));
        }
        return LocalInfra.start(WORK, LocalInfra.Options.forTests(), env);
    }
}
