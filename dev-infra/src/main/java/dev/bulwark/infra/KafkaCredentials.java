package dev.bulwark.infra;

import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.security.scram.ScramLoginModule;

/**
 * The password of every {@link KafkaUser}, generated at random the first time a broker starts on a data
 * directory and kept there in a 0600 file: a broker started again on the same data accepts the same clients.
 *
 * <p>Clients authenticate with SASL/SCRAM-SHA-512 over SASL_PLAINTEXT: the password never crosses the wire,
 * but nothing is encrypted. That is acceptable for a broker listening on 127.0.0.1 only; a cluster reached
 * over a network should use SASL_SSL.
 */
final class KafkaCredentials {

    static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    static final String SECURITY_PROTOCOL = "SASL_PLAINTEXT";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<KafkaUser, String> passwords;

    private KafkaCredentials(Map<KafkaUser, String> passwords) {
        this.passwords = passwords;
    }

    /** Reads {@code file}; generates the passwords it lacks (all of them, the first time) and saves them. */
    static KafkaCredentials loadOrCreate(Path file) throws IOException {
        Properties stored = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                stored.load(in);
            }
        }
        Map<KafkaUser, String> passwords = new EnumMap<>(KafkaUser.class);
        boolean generated = false;
        for (KafkaUser user : KafkaUser.values()) {
            String password = stored.getProperty(user.userName());
            if (password == null || password.isBlank()) {
                password = newPassword();
                stored.setProperty(user.userName(), password);
                generated = true;
            }
            passwords.put(user, password);
        }
        if (generated) {
            StringWriter text = new StringWriter();
            stored.store(text, "Kafka SCRAM passwords of this broker's users (dev.bulwark.infra.KafkaCredentials)");
            PrivateFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8), false);
        }
        return new KafkaCredentials(passwords);
    }

    /** What a client connecting as {@code user} sets besides {@code bootstrap.servers}. */
    Map<String, String> clientProperties(KafkaUser user) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SECURITY_PROTOCOL);
        properties.put(SaslConfigs.SASL_MECHANISM, SCRAM_MECHANISM);
        properties.put(SaslConfigs.SASL_JAAS_CONFIG, scramJaas(user));
        return properties;
    }

    /** The JAAS line of a SCRAM client logging in as {@code user}. */
    String scramJaas(KafkaUser user) {
        return ScramLoginModule.class.getName() + " required username=\"" + user.userName()
                + "\" password=\"" + passwords.get(user) + "\";";
    }

    /**
     * The controller listener's JAAS line: SASL/PLAIN with the admin as its only user, because SCRAM cannot
     * serve a controller (SCRAM credentials live in the metadata the controller itself serves).
     */
    String controllerJaas() {
        String password = passwords.get(KafkaUser.ADMIN);
        return PlainLoginModule.class.getName() + " required username=\"" + KafkaUser.ADMIN.userName()
                + "\" password=\"" + password + "\" user_" + KafkaUser.ADMIN.userName() + "=\"" + password + "\";";
    }

    /** One {@code kafka-storage format --add-scram} value per user, so every user exists from the first start. */
    List<String> formatScramArguments() {
        List<String> arguments = new ArrayList<>();
        passwords.forEach((user, password) ->
                arguments.add(SCRAM_MECHANISM + "=[name=" + user.userName() + ",password=" + password + "]"));
        return arguments;
    }

    String password(KafkaUser user) {
        return passwords.get(user);
    }

    /** Every password, e.g. to check that none reached a log. */
    List<String> passwords() {
        return List.copyOf(passwords.values());
    }

    /** Letters and digits only: no quoting needed in JAAS lines or {@code --add-scram} values. */
    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "KafkaCredentials[" + passwords.keySet() + "]";
    }
}
