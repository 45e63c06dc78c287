package dev.bulwark.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import dev.bulwark.model.Topics;

/**
 * Everything Bulwark needs to run: a Kafka cluster with the Bulwark topics and a PostgreSQL database.
 * Starts a {@link KafkaBroker} unless {@code KAFKA_BOOTSTRAP_SERVERS} names a cluster, and a
 * {@link Postgres} unless {@code BULWARK_DB_URL} (JDBC, with {@code BULWARK_DB_USER} and
 * {@code BULWARK_DB_PASSWORD}) names a server. Closing it stops only what it started.
 */
public final class LocalInfra implements AutoCloseable {

    public static final int DEFAULT_PARTITIONS = 4;

    private final String bootstrapServers;
    private final String jdbcUrl;
    private final String dbUsername;
    private final String dbPassword;
    private final List<AutoCloseable> started;
    private boolean closed;

    private LocalInfra(String bootstrapServers, String jdbcUrl, String dbUsername, String dbPassword,
                       List<AutoCloseable> started) {
        this.bootstrapServers = bootstrapServers;
        this.jdbcUrl = jdbcUrl;
        this.dbUsername = dbUsername;
        this.dbPassword = dbPassword;
        this.started = started;
    }

    /** Starts (or finds) Kafka and PostgreSQL, servers' data under {@code workDir}, topics with 4 partitions. */
    public static LocalInfra start(Path workDir) {
        return start(workDir, DEFAULT_PARTITIONS);
    }

    public static LocalInfra start(Path workDir, int partitions) {
        return start(workDir, partitions, System.getenv());
    }

    /** As {@link #start(Path, int)}, reading the variables from {@code env} instead of the process environment. */
    static LocalInfra start(Path workDir, int partitions, Map<String, String> env) {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
            if (isSet(bootstrap)) {
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                    KafkaTopics.create(admin, partitions, bulwarkTopics());
                }
                say("Kafka: using the cluster at " + bootstrap + " (KAFKA_BOOTSTRAP_SERVERS)");
            } else {
                KafkaBroker broker = KafkaBroker.start(workDir.resolve("kafka"));
                started.add(broker);
                broker.createTopics(partitions, bulwarkTopics().toArray(String[]::new));
                bootstrap = broker.bootstrapServers();
                say("Kafka: started a broker at " + bootstrap + " (pid " + broker.process().pid()
                        + ", log " + broker.logFile() + ")");
            }

            String jdbcUrl = env.get("BULWARK_DB_URL");
            String user;
            String password;
            if (isSet(jdbcUrl)) {
                reactiveUrlOf(jdbcUrl); // Fails now, not when an application reads its configuration.
                user = env.getOrDefault("BULWARK_DB_USER", Postgres.USER);
                password = env.getOrDefault("BULWARK_DB_PASSWORD", Postgres.PASSWORD);
                say("PostgreSQL: using " + jdbcUrl + " as " + user + " (BULWARK_DB_URL)");
            } else {
                Postgres postgres = Postgres.start(workDir, env);
                started.add(postgres);
                jdbcUrl = postgres.jdbcUrl();
                user = postgres.username();
                password = postgres.password();
                say("PostgreSQL: started " + postgres.description() + " at " + jdbcUrl);
            }
            say("Kafka topics (" + partitions + " partitions each): " + String.join(", ", bulwarkTopics()));
            return new LocalInfra(bootstrap, jdbcUrl, user, password, started);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /** Each Bulwark topic and its dead-letter topic. */
    static List<String> bulwarkTopics() {
        List<String> topics = new ArrayList<>();
        for (String topic : Topics.ALL) {
            topics.add(topic);
            topics.add(Topics.deadLetter(topic));
        }
        return topics;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The JDBC URL without {@code jdbc:} and without its parameters (which are JDBC-driver specific). */
    public String reactiveUrl() {
        return reactiveUrlOf(jdbcUrl);
    }

    public String dbUsername() {
        return dbUsername;
    }

    public String dbPassword() {
        return dbPassword;
    }

    /** The Quarkus configuration that points an application at this infrastructure. */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", bootstrapServers);
        config.put("quarkus.datasource.username", dbUsername);
        config.put("quarkus.datasource.password", dbPassword);
        config.put("quarkus.datasource.jdbc.url", jdbcUrl);
        config.put("quarkus.datasource.reactive.url", reactiveUrl());
        return config;
    }

    /**
     * The same as environment variables, for scripts: the variables {@link LocalInfra} itself reads
     * (so a second process reuses this infrastructure) and Quarkus' names for the datasource.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("BULWARK_DB_URL", jdbcUrl);
        env.put("BULWARK_DB_USER", dbUsername);
        env.put("BULWARK_DB_PASSWORD", dbPassword);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", reactiveUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", dbUsername);
        env.put("QUARKUS_DATASOURCE_PASSWORD", dbPassword);
        return env;
    }

    /** Stops what this instance started (nothing, for servers named by the environment). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(started);
    }

    static String reactiveUrlOf(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("Not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db): " + jdbcUrl);
        }
        String url = jdbcUrl.substring("jdbc:".length());
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    /** Stops in reverse order of start; one failure does not keep the others running. */
    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.err.println("bulwark-infra: could not stop " + resources.get(i) + ": " + e);
            }
        }
    }

    private static void say(String line) {
        System.out.println("bulwark-infra: " + line);
    }
}
