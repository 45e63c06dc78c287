package dev.bulwark.e2e;

import dev.bulwark.infra.KafkaUser;
import dev.bulwark.infra.LocalInfra;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Looks for a canary (a protected setting's value) everywhere it must never be in plaintext: every row of
 * every table of the cloud database, every record of every Kafka topic (dead-letter topics included: keys,
 * values and headers), every file under the given folders (process logs, agent homes). The proof that
 * protected settings never rest in the cloud, never travel or get logged in plaintext, and exist on a machine
 * only inside its encrypted vault.
 */
public final class CanaryScan {
    private CanaryScan() {
    }

    /** Where the canary was found; all empty when nowhere. */
    public record Findings(List<String> tables, List<String> topics, List<String> files) {
        public boolean found() {
            return !tables.isEmpty() || !topics.isEmpty() || !files.isEmpty();
        }
    }

    public static Findings scan(LocalInfra infra, String canary, List<Path> folders) throws SQLException, IOException {
        return new Findings(tablesContaining(infra.jdbcUrl(), infra.dbUsername(), infra.dbPassword(), canary),
                topicsContaining(infra.kafkaClientConfig(KafkaUser.OBSERVER), canary), filesContaining(folders, canary));
    }

    /** Every table whose rows (as JSON, every column of every type) hold {@code canary}. */
    public static List<String> tablesContaining(String jdbcUrl, String user, String password, String canary) throws SQLException {
        List<String> hits = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, password)) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = db.createStatement().executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                String sql = "SELECT count(*) FROM \"" + table + "\" t WHERE position(? in row_to_json(t)::text) > 0";
                try (var statement = db.prepareStatement(sql)) {
                    statement.setString(1, canary);
                    try (ResultSet rs = statement.executeQuery()) {
                        if (rs.next() && rs.getLong(1) > 0) {
                            hits.add(table);
                        }
                    }
                }
            }
        }
        return hits;
    }

    /** Every topic (internal ones aside) with a record whose key, value or a header holds {@code canary}. */
    public static List<String> topicsContaining(Map<String, Object> observer, String canary) {
        Map<String, Object> config = new java.util.HashMap<>(observer);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
        List<String> hits = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            for (String topic : consumer.listTopics().keySet()) {
                if (topic.startsWith("__")) {
                    continue;
                }
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                boolean found = false;
                while (!found && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        found |= contains(record.key(), needle) || contains(record.value(), needle);
                        for (Header header : record.headers()) {
                            found |= contains(header.value(), needle);
                        }
                    }
                }
                if (found) {
                    hits.add(topic);
                }
            }
        }
        return hits;
    }

    /** Every regular file under {@code folders} holding {@code canary}. */
    public static List<String> filesContaining(List<Path> folders, String canary) throws IOException {
        byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
        List<String> hits = new ArrayList<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    if (contains(Files.readAllBytes(file), needle)) {
                        hits.add(file.toString());
                    }
                }
            }
        }
        return hits;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        if (haystack == null) {
            return false;
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
