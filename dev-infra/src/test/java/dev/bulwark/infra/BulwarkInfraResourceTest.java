package dev.bulwark.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The resource outside Quarkus: what Quarkus would get from start(), and one infrastructure per JVM
 * however many test classes ask. The shutdown hook stops it when this test JVM exits.
 */
class BulwarkInfraResourceTest {

    @Test
    void givesQuarkusTheCoordinatesOfOneSharedInfrastructure() throws Exception {
        Map<String, String> config = new BulwarkInfraResource().start();
        Map<String, String> again = new BulwarkInfraResource().start();

        assertThat(again).isEqualTo(config);
        assertThat(BulwarkInfraResource.infra()).isSameAs(BulwarkInfraResource.infra());
        assertThat(config).containsOnlyKeys("kafka.bootstrap.servers", "kafka.security.protocol", "kafka.sasl.mechanism",
                "kafka.sasl.jaas.config", "quarkus.datasource.username", "quarkus.datasource.password",
                "quarkus.datasource.jdbc.url", "quarkus.datasource.reactive.url",
                "quarkus.tls.key-store.pem.0.cert", "quarkus.tls.key-store.pem.0.key");
        assertThat(config.get("quarkus.tls.key-store.pem.0.cert"))
                .isEqualTo(BulwarkInfraResource.pki().serverCertificate().toString());
        assertThat(config.get("kafka.bootstrap.servers")).isEqualTo(BulwarkInfraResource.infra().bootstrapServers());
        assertThat(config.get("kafka.sasl.jaas.config")).as("the cloud logs in as bulwark-cloud")
                .isEqualTo(BulwarkInfraResource.infra().kafkaClientProperties(KafkaUser.CLOUD).get("sasl.jaas.config"))
                .contains("username=\"bulwark-cloud\"");
        assertThat(config.get("quarkus.datasource.reactive.url")).startsWith("postgresql://127.0.0.1:").endsWith("/bulwark");
        try (Connection c = DriverManager.getConnection(config.get("quarkus.datasource.jdbc.url"),
                config.get("quarkus.datasource.username"), config.get("quarkus.datasource.password"))) {
            assertThat(c.isValid(2)).isTrue();
        }
        // What a copy of the class in another class loader would find.
        assertThat(System.getProperty("bulwark.infra.KAFKA_BOOTSTRAP_SERVERS")).isEqualTo(config.get("kafka.bootstrap.servers"));
        assertThat(System.getProperty("bulwark.infra." + LocalInfra.KAFKA_CLIENT_CONFIGS))
                .isEqualTo(BulwarkInfraResource.infra().kafkaClientConfigs().toString());
    }
}
