package dev.bulwark.agent.runtime;

import org.eclipse.microprofile.config.Config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Kafka security settings of the agent's clients, from the configuration names the cloud service uses
 * too: {@code kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.*}, or the same in the
 * environment ({@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG},
 * ...). Only these: the agent core sets every other client setting itself ({@code bulwark.agent.kafka.*}
 * overrides any of them on purpose).
 */
final class KafkaSecuritySettings {
    private static final String PREFIX = "kafka.";

    private KafkaSecuritySettings() {
    }

    /** The settings, as Kafka clients name them ({@code sasl.jaas.config}...); values may hold a password. */
    static Map<String, String> from(Config config) {
        Map<String, String> settings = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            String key = clientKey(name);
            if (key != null) {
                // Asked by its dotted name, so the configuration's own precedence picks among the sources.
                config.getOptionalValue(PREFIX + key, String.class).ifPresent(value -> settings.put(key, value));
            }
        }
        return settings;
    }

    /**
     * {@code kafka.sasl.jaas.config} and {@code KAFKA_SASL_JAAS_CONFIG} both give {@code sasl.jaas.config}
     * (Kafka's setting names have no underscores); null for a name that is no security setting.
     */
    static String clientKey(String propertyName) {
        String dotted = propertyName.toLowerCase(Locale.ROOT).replace('_', '.');
        if (!dotted.startsWith(PREFIX)) {
            return null;
        }
        String key = dotted.substring(PREFIX.length());
        return key.equals("security.protocol") || key.startsWith("sasl.") || key.startsWith("ssl.") ? key : null;
    }
}
