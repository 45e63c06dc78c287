package dev.bulwark.agent.runtime;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** The agent takes Kafka's security settings from the names the cloud uses, and nothing else from kafka.*. */
class KafkaSecuritySettingsTest {

    @Test
    void securitySettingsComeFromKafkaPropertiesAndTheEnvironmentWhichWins() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of(
                        "kafka.bootstrap.servers", "kafka:9092",
                        "kafka.group.id", "not-a-security-setting",
                        "kafka.security.protocol", "SASL_SSL",
                        "kafka.ssl.truststore.location", "/etc/bulwark/kafka-ca.p12"), "application.properties", 250))
                .withSources(new EnvConfigSource(Map.of(
                        "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                        "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                        "KAFKA_SASL_JAAS_CONFIG", "ScramLoginModule required username=\"bulwark-agent\" password=\"p\";",
                        "PATH", "/usr/bin"), 300))
                .build();

        assertThat(KafkaSecuritySettings.from(config)).containsOnly(
                entry("security.protocol", "SASL_PLAINTEXT"),
                entry("sasl.mechanism", "SCRAM-SHA-512"),
                entry("sasl.jaas.config", "ScramLoginModule required username=\"bulwark-agent\" password=\"p\";"),
                entry("ssl.truststore.location", "/etc/bulwark/kafka-ca.p12"));
    }

    @Test
    void onlySecuritySettingsAreKafkaClientKeys() {
        assertThat(KafkaSecuritySettings.clientKey("KAFKA_SASL_JAAS_CONFIG")).isEqualTo("sasl.jaas.config");
        assertThat(KafkaSecuritySettings.clientKey("kafka.ssl.keystore.type")).isEqualTo("ssl.keystore.type");
        assertThat(KafkaSecuritySettings.clientKey("kafka.bootstrap.servers")).isNull();
        assertThat(KafkaSecuritySettings.clientKey("kafka.enable.auto.commit")).isNull();
        assertThat(KafkaSecuritySettings.clientKey("bulwark.agent.kafka.sasl.mechanism")).isNull();
    }
}
