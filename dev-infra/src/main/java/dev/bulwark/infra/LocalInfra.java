package dev.bulwark.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 *
 * <p>Kafka clients connect as one of the {@link KafkaUser}s with the settings of
 * {@link #kafkaClientProperties}: those of the broker it started, or, for a named cluster, those in the
 * directory {@value #KAFKA_CLIENT_CONFIGS} names ({@link KafkaClientConfigs}; none: unauthenticated clients).
 *
 * <p>By default ({@link Options#durable()}) the servers it starts keep their data under the work directory from
 * one start to the next, whatever ended the previous one ({@code kill -9} included), and PostgreSQL is durable;
 * tests use {@link Options#forTests()}: empty data, fast PostgreSQL.
 */
public final class LocalInfra implements AutoCloseable {

    public static final int DEFAULT_PARTITIONS = 4;
    /** The variable naming the directory of Kafka client settings, one file per {@link KafkaUser}. */
    public static final String KAFKA_CLIENT_CONFIGS = "BULWARK_KAFKA_CLIENT_CONFIGS";

    private final String bootstrapServers;
    private final Path kafkaClientConfigs;
    private final String jdbcUrl;
    private final String dbUsername;
    private final String dbPassword;
    private final Path workDir;
    private final Options options;
    private final Map<String, String> env;
    /** The broker and PostgreSQL this instance started (null: a server named by the environment), as they are now. */
    private KafkaBroker broker;
    private Postgres postgres;
    private boolean closed;

    private LocalInfra(String bootstrapServers, Path kafkaClientConfigs, String jdbcUrl, String dbUsername,
                       String dbPassword, Path workDir, Options options, Map<String, String> env, KafkaBroker broker,
                       Postgres postgres) {
        this.bootstrapServers = bootstrapServers;
        this.kafkaClientConfigs = kafkaClientConfigs;
        this.jdbcUrl = jdbcUrl;
        this.dbUsername = dbUsername;
        this.dbPassword = dbPassword;
        this.workDir = workDir;
        this.options = options;
        this.env = Map.copyOf(env);
        this.broker = broker;
        this.postgres = postgres;
    }

    /**
     * How to start the servers LocalInfra starts.
     *
     * @param partitions of every Bulwark topic it creates (topics that exist keep theirs)
     * @param durability of the PostgreSQL it starts
     * @param freshData  true: the servers start on empty data (whatever an earlier start left is deleted); false:
     *                   on the data an earlier start left under the work directory, if any
     */
    public record Options(int partitions, Durability durability, boolean freshData) {
        /** Durable, on the data of earlier starts: every run that is not a test ({@code ./bulwark infra, up, cloud}). */
        public static Options durable() {
            return new Options(DEFAULT_PARTITIONS, Durability.DURABLE, false);
        }

        /** Fast and on empty data: tests. */
        public static Options forTests() {
            return new Options(DEFAULT_PARTITIONS, Durability.FAST, true);
        }

        public Options withPartitions(int partitions) {
            return new Options(partitions, durability, freshData);
        }

        public Options withDurability(Durability durability) {
            return new Options(partitions, durability, freshData);
        }

        public Options withFreshData(boolean freshData) {
            return new Options(partitions, durability, freshData);
        }
    }

    /** Starts (or finds) Kafka and PostgreSQL, servers' data under {@code workDir}: {@link Options#durable()}. */
    public static LocalInfra start(Path workDir) {
        return start(workDir, Options.durable());
    }

    /** As {@link #start(Path)}, topics with {@code partitions} partitions. */
    public static LocalInfra start(Path workDir, int partitions) {
        return start(workDir, Options.durable().withPartitions(partitions));
    }

    public static LocalInfra start(Path workDir, Options options) {
        return start(workDir, options, System.getenv());
    }

    /** As {@link #start(Path, Options)}, reading the variables from {@code env} instead of the process environment. */
    static LocalInfra start(Path workDir, Options options, Map<String, String> env) {
        int partitions = options.partitions();
        List<AutoCloseable> started = new ArrayList<>();
        KafkaBroker broker = null;
        Postgres postgres = null;
        try {
            String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
            Path clientConfigs;
            if (isSet(bootstrap)) {
                clientConfigs = isSet(env.get(KAFKA_CLIENT_CONFIGS)) ? Path.of(env.get(KAFKA_CLIENT_CONFIGS)) : null;
                Map<String, Object> adminConfig = new HashMap<>(clientProperties(clientConfigs, KafkaUser.ADMIN));
                adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                try (Admin admin = Admin.create(adminConfig)) {
                    KafkaTopics.create(admin, partitions, bulwarkTopics());
                }
                say("Kafka: using the cluster at " + bootstrap + " (KAFKA_BOOTSTRAP_SERVERS)"
                        + (clientConfigs == null ? "" : ", client settings in " + clientConfigs + " (" + KAFKA_CLIENT_CONFIGS + ")"));
            } else {
                broker = options.freshData() ? KafkaBroker.startFresh(workDir.resolve("kafka"))
                        : KafkaBroker.start(workDir.resolve("kafka"));
                started.add(broker);
                broker.createTopics(partitions, bulwarkTopics().toArray(String[]::new));
                bootstrap = broker.bootstrapServers();
                clientConfigs = writeClientConfigs(broker, workDir.resolve("kafka").resolve("clients").toAbsolutePath());
                say("Kafka: started a broker at " + bootstrap + " (pid " + broker.process().pid()
                        + ", log " + broker.logFile() + ") on " + (broker.reusedData()
                        ? "the data of its previous run (cluster " + broker.clusterId() + ")" : "new, empty storage"));
                say("Kafka: clients log in with SASL/SCRAM as " + userNames() + "; each one's settings: "
                        + clientConfigs + "/<user>.properties");
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
                postgres = Postgres.start(workDir, options.durability(), options.freshData(), env);
                started.add(postgres);
                jdbcUrl = postgres.jdbcUrl();
                user = postgres.username();
                password = postgres.password();
                say("PostgreSQL: started " + postgres.description() + " at " + jdbcUrl + " on "
                        + (postgres.reusedData() ? "the data of its previous run" : "a new cluster") + ", "
                        + (postgres.durability() == Durability.DURABLE ? "durable (fsync on)"
                        : "fast (fsync off: a crash may lose or corrupt data)") + ", data in " + postgres.dataDir());
            }
            say("Kafka topics (" + partitions + " partitions each): " + String.join(", ", bulwarkTopics()));
            return new LocalInfra(bootstrap, clientConfigs, jdbcUrl, user, password, workDir, options, env, broker, postgres);
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

    /**
     * What a Kafka client connecting as {@code user} sets besides {@code bootstrap.servers}
     * ({@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}, which holds the password:
     * never log it); empty for a named cluster without client settings.
     */
    public Map<String, String> kafkaClientProperties(KafkaUser user) {
        return clientProperties(kafkaClientConfigs, user);
    }

    /** A new, modifiable Kafka client configuration for {@code user}: bootstrap servers and {@link #kafkaClientProperties}. */
    public Map<String, Object> kafkaClientConfig(KafkaUser user) {
        Map<String, Object> config = new HashMap<>(kafkaClientProperties(user));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /** The directory of client settings, one {@link KafkaClientConfigs#file file} per user; null if there is none. */
    public Path kafkaClientConfigs() {
        return kafkaClientConfigs;
    }

    /**
     * The Quarkus configuration that connects an application's Kafka clients as {@code user}:
     * {@code kafka.bootstrap.servers} and each {@link #kafkaClientProperties} as {@code kafka.*}.
     */
    public Map<String, String> quarkusKafkaConfig(KafkaUser user) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", bootstrapServers);
        kafkaClientProperties(user).forEach((key, value) -> config.put("kafka." + key, value));
        return config;
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

    /** The Quarkus configuration that points the cloud service at this infrastructure (Kafka as {@link KafkaUser#CLOUD}). */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = quarkusKafkaConfig(KafkaUser.CLOUD);
        config.put("quarkus.datasource.username", dbUsername);
        config.put("quarkus.datasource.password", dbPassword);
        config.put("quarkus.datasource.jdbc.url", jdbcUrl);
        config.put("quarkus.datasource.reactive.url", reactiveUrl());
        return config;
    }

    /**
     * The same as environment variables, for scripts: the variables {@link LocalInfra} itself reads
     * (so a second process reuses this infrastructure) and Quarkus' names for the datasource. Kafka's
     * passwords are not among them, only the directory of the files that hold them.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        if (kafkaClientConfigs != null) {
            env.put(KAFKA_CLIENT_CONFIGS, kafkaClientConfigs.toString());
        }
        env.put("BULWARK_DB_URL", jdbcUrl);
        env.put("BULWARK_DB_USER", dbUsername);
        env.put("BULWARK_DB_PASSWORD", dbPassword);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", reactiveUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", dbUsername);
        env.put("QUARKUS_DATASOURCE_PASSWORD", dbPassword);
        return env;
    }

    /**
     * Starts again, on its data and its port, a server this instance started that is no longer running (killed,
     * crashed): the broker (cluster, topics, records, offsets, users and ACLs kept) or PostgreSQL (which recovers
     * from its WAL). What a supervisor does; {@code LocalInfraMain} calls it every second. Servers named by the
     * environment are not watched; neither are servers on {@link Options#freshData() fresh} (test) data, whose
     * restart would wipe them.
     *
     * @return a line per server started again (empty: all were running)
     * @throws IllegalStateException when a server could not be started again (the caller may try again later), or
     *                               came back at another address, which its clients would not find
     */
    public synchronized List<String> restartDeadServers() {
        List<String> restarted = new ArrayList<>();
        if (closed || options.freshData()) {
            return restarted;
        }
        // The dead server's object stays until a new one started, so that a failed start is tried again next time.
        if (broker != null && !broker.process().isAlive()) {
            long pid = broker.process().pid();
            closeQuietly(broker);
            KafkaBroker again = KafkaBroker.start(workDir.resolve("kafka"));
            broker = again;
            sameAddress("The Kafka broker", bootstrapServers, again.bootstrapServers());
            restarted.add("Kafka broker (pid " + pid + ") was gone: started again on its data at " + again.bootstrapServers()
                    + " (pid " + again.process().pid() + ")");
        }
        if (postgres != null && !postgres.running()) {
            System.out.println("bulwark-infra: PostgreSQL on " + postgres.dataDir() + " is gone: releasing it (its pg_ctl stop"
                    + " fails, there is nothing to stop) and starting it again on its data");
            closeQuietly(postgres); // releases this JVM's lock on the data directory; the data stay
            Postgres again = Postgres.start(workDir, options.durability(), false, env);
            postgres = again;
            sameAddress("PostgreSQL", jdbcUrl, again.jdbcUrl());
            restarted.add("PostgreSQL was gone: started again on its data at " + again.jdbcUrl() + " (pid "
                    + again.process().pid() + ")");
        }
        return restarted;
    }

    private static void sameAddress(String what, String before, String after) {
        if (!before.equals(after)) {
            throw new IllegalStateException(what + " came back at " + after + " instead of " + before
                    + " (the port was taken): its clients will not find it");
        }
    }

    private static void closeQuietly(AutoCloseable server) {
        try {
            server.close();
        } catch (Exception e) {
            System.err.println("bulwark-infra: while releasing " + server + ": " + e);
        }
    }

    /** Stops what this instance started (nothing, for servers named by the environment). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> started = new ArrayList<>();
        if (broker != null) {
            started.add(broker);
        }
        if (postgres != null) {
            started.add(postgres);
        }
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

    private static Map<String, String> clientProperties(Path clientConfigs, KafkaUser user) {
        return clientConfigs == null ? Map.of() : KafkaClientConfigs.read(clientConfigs, user);
    }

    private static Path writeClientConfigs(KafkaBroker broker, Path dir) {
        try {
            for (KafkaUser user : KafkaUser.values()) {
                KafkaClientConfigs.write(dir, user, broker.clientProperties(user));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the Kafka client settings in " + dir, e);
        }
    }

    private static String userNames() {
        return String.join(", ", Arrays.stream(KafkaUser.values()).map(KafkaUser::userName).toList());
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
