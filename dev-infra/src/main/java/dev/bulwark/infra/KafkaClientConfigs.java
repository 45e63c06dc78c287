package dev.bulwark.infra;

import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A directory of Kafka client settings, one {@code <user>.properties} file (mode 0600) per {@link KafkaUser}:
 * what a client needs besides {@code bootstrap.servers} to connect as that user ({@code security.protocol},
 * {@code sasl.mechanism}, {@code sasl.jaas.config}). {@link LocalInfra} writes it for the broker it starts and
 * names it in {@value LocalInfra#KAFKA_CLIENT_CONFIGS}; for an existing cluster its administrator writes it.
 * The files also work with Kafka's own tools ({@code --command-config}, {@code --consumer.config}).
 */
public final class KafkaClientConfigs {

    private KafkaClientConfigs() {
    }

    /** Where {@code user}'s settings are, e.g. {@code DIR/bulwark-observer.properties}. */
    public static Path file(Path dir, KafkaUser user) {
        return dir.resolve(user.userName() + ".properties");
    }

    /** {@code user}'s settings; none when its file is absent (a cluster that does not authenticate clients). */
    public static Map<String, String> read(Path dir, KafkaUser user) {
        return read(file(dir, user));
    }

    /** The settings in one client settings file; none when it is absent. */
    public static Map<String, String> read(Path file) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return settings;
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Kafka client settings in " + file, e);
        }
        properties.stringPropertyNames().stream().sorted().forEach(key -> settings.put(key, properties.getProperty(key)));
        return settings;
    }

    /**
     * The settings as the environment variables Quarkus reads as {@code kafka.*} ({@code sasl.jaas.config}:
     * {@code KAFKA_SASL_JAAS_CONFIG}), which the cloud service and the agent take: a child process gets its
     * password there rather than on its command line, which every local user can read.
     */
    public static Map<String, String> asEnvironment(Map<String, String> settings) {
        Map<String, String> env = new LinkedHashMap<>();
        settings.forEach((key, value) -> env.put("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        return env;
    }

    static void write(Path dir, KafkaUser user, Map<String, String> settings) throws IOException {
        Properties properties = new Properties();
        properties.putAll(settings);
        StringWriter text = new StringWriter();
        properties.store(text, "Kafka client settings of " + user.userName() + " (add bootstrap.servers)");
        PrivateFiles.write(file(dir, user), text.toString().getBytes(StandardCharsets.UTF_8), false);
    }
}
