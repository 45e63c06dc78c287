package dev.bulwark.sim;

import dev.bulwark.infra.KafkaClientConfigs;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.infra.LocalInfra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code .bulwark/up.env}: where a running system is, as {@code ./bulwark up} wrote it ({@code KEY=VALUE}
 * lines, shell-sourceable). {@code sim run}, {@code sim baseline} and {@code sim fleet} read their defaults
 * from it, so a user runs them with no flags against what {@code up} started.
 */
public record UpEnv(Map<String, String> values) {
    public static final String URL = "BULWARK_URL";
    /** The PEM of the CA the cloud's certificate comes from: clients trust it, agents pin it (connect --ca). */
    public static final String CA = "BULWARK_CA";
    public static final String SUBSCRIPTION = "BULWARK_SUBSCRIPTION";
    public static final String RESOURCE_GROUP = "BULWARK_RESOURCE_GROUP";
    public static final String KAFKA = "BULWARK_KAFKA";
    /** The directory of Kafka client settings, one {@code <user>.properties} per Kafka user (no passwords here). */
    public static final String KAFKA_CLIENT_CONFIGS = LocalInfra.KAFKA_CLIENT_CONFIGS;
    public static final String DB_URL = "BULWARK_DB_URL";
    public static final String DB_USER = "BULWARK_DB_USER";
    public static final String DB_PASSWORD = "BULWARK_DB_PASSWORD";
    public static final String SCENARIO = "BULWARK_SCENARIO";
    public static final String MACHINES = "BULWARK_MACHINES";
    /** An Owner token of the built-in issuer (and publisher of the example namespace), valid 24 hours. */
    public static final String TOKEN = "BULWARK_TOKEN";

    public static UpEnv read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " does not exist: start the system with ./bulwark up first, or pass the addresses as options");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int equals = line.indexOf('=');
            if (!line.isBlank() && !line.startsWith("#") && equals > 0) {
                values.put(line.substring(0, equals).trim(), unquote(line.substring(equals + 1).trim()));
            }
        }
        return new UpEnv(values);
    }

    public void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder("# Written by ./bulwark up: source it, or let ./bulwark sim read it.\n");
        values.forEach((key, value) -> text.append(key).append("='").append(value.replace("'", "'\\''")).append("'\n"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    public String require(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(key + " is missing from up.env");
        }
        return value;
    }

    public String get(String key, String otherwise) {
        return values.getOrDefault(key, otherwise);
    }

    /** The Kafka client settings of {@code user} ({@code sasl.jaas.config}...); none without {@link #KAFKA_CLIENT_CONFIGS}. */
    public Map<String, String> kafkaClientProperties(KafkaUser user) {
        String dir = values.get(KAFKA_CLIENT_CONFIGS);
        return dir == null || dir.isBlank() ? Map.of() : KafkaClientConfigs.read(Path.of(dir), user);
    }

    /** Where {@code user}'s Kafka client settings file is; null without {@link #KAFKA_CLIENT_CONFIGS}. */
    public Path kafkaClientConfig(KafkaUser user) {
        String dir = values.get(KAFKA_CLIENT_CONFIGS);
        return dir == null || dir.isBlank() ? null : KafkaClientConfigs.file(Path.of(dir), user);
    }

    /** The same variables, taken from {@code LocalInfraMain}'s env file: the Kafka ones only when present. */
    public static void putKafka(Map<String, String> env, Map<String, String> infra) {
        env.put(KAFKA, infra.get("KAFKA_BOOTSTRAP_SERVERS"));
        if (infra.get(LocalInfra.KAFKA_CLIENT_CONFIGS) != null) {
            env.put(KAFKA_CLIENT_CONFIGS, infra.get(LocalInfra.KAFKA_CLIENT_CONFIGS));
        }
    }

    /** {@link #CA} as a path, or null when the cloud needs none (a public certificate, or plain http in development). */
    public Path ca() {
        String ca = values.get(CA);
        return ca == null || ca.isBlank() ? null : Path.of(ca);
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("'") && value.endsWith("'")
                ? value.substring(1, value.length() - 1).replace("'\\''", "'") : value;
    }
}
