package dev.bulwark.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.bulwark.model.Topics;

/** The pure parts: URL translation, topic list, the env file format. */
class LocalInfraTest {

    @Test
    void reactiveUrlDropsThePrefixAndTheJdbcParameters() {
        assertThat(LocalInfra.reactiveUrlOf("jdbc:postgresql://db.example:6543/fleet?sslmode=require"))
                .isEqualTo("postgresql://db.example:6543/fleet");
        assertThat(LocalInfra.reactiveUrlOf("jdbc:postgresql://127.0.0.1:5432/bulwark"))
                .isEqualTo("postgresql://127.0.0.1:5432/bulwark");
        assertThatThrownBy(() -> LocalInfra.reactiveUrlOf("postgresql://127.0.0.1/bulwark"))
                .hasMessageContaining("Not a PostgreSQL JDBC URL");
    }

    @Test
    void everyTopicHasItsDeadLetterTopic() {
        assertThat(LocalInfra.bulwarkTopics())
                .hasSize(2 * Topics.ALL.length)
                .contains(Topics.EXTENSION_OPERATIONS, "bulwark.extension-operations.dlq",
                        Topics.EXTENSION_RESULTS, "bulwark.extension-results.dlq",
                        Topics.AGENT_REPORTS, "bulwark.agent-reports.dlq");
        for (String topic : Topics.ALL) {
            assertThat(LocalInfra.bulwarkTopics()).contains(topic, topic + ".dlq");
        }
    }

    @Test
    void envLinesQuoteOnlyWhatAShellWouldSplit() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        env.put("BULWARK_DB_URL", "jdbc:postgresql://h:1/db?a=1&b=2");
        env.put("BULWARK_DB_PASSWORD", "it's");
        assertThat(LocalInfraMain.envLines(env)).isEqualTo("""
                KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092
                BULWARK_DB_URL='jdbc:postgresql://h:1/db?a=1&b=2'
                BULWARK_DB_PASSWORD='it'\\''s'
                """);
    }
}
