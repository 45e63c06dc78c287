package dev.bulwark.sim.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bulwark.infra.KafkaUser;
import dev.bulwark.infra.LocalInfra;

/** The floor measured on a real broker and a real PostgreSQL, and what it leaves behind: nothing. */
class BaselineTest {

    private static final int RECORDS = 2_000;

    @TempDir
    static Path work;
    private static LocalInfra infra;

    @BeforeAll
    static void startInfra() {
        infra = LocalInfra.start(work, LocalInfra.Options.forTests().withPartitions(4));
    }

    @AfterAll
    static void stopInfra() {
        if (infra != null) {
            infra.close();
        }
    }

    @Test
    void carriesEveryRecordAndRemovesItsTopicsGroupsAndTable() throws Exception {
        Baseline.Result result = Baseline.run(settings(RECORDS));

        System.out.printf("baseline: %,d records in %.3f s (%.0f records/s)%n",
                result.records(), result.seconds(), result.recordsPerSecond());
        assertThat(result.records()).isEqualTo(RECORDS);
        assertThat(result.seconds()).isPositive();
        assertThat(result.recordsPerSecond()).isCloseTo(RECORDS / result.seconds(), within(1e-6));
        assertThat(tablesNamed("baseline_event_%")).isEmpty();
        try (Admin admin = admin()) {
            // Deleting a topic is asynchronous in the broker: wait for its metadata to catch up.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(admin.listTopics().names().get()).noneMatch(name -> name.startsWith("bulwark.baseline.")));
            assertThat(admin.listConsumerGroups().all().get()).extracting(ConsumerGroupListing::groupId)
                    .noneMatch(group -> group.startsWith("bulwark.baseline."));
        }
    }

    @Test
    void copiesTheLiveActivityTableWithItsIndexesWhenThereIsOne() throws Exception {
        ActivityTable table = new ActivityTable("baseline_event_copytest");
        try (Connection db = connect(); Statement sql = db.createStatement()) {
            // No activity_event yet (dev-infra's database has no cloud migrations): the fallback schema.
            table.create(db);
            int fallbackIndexes = indexCount(db, "baseline_event_copytest");
            table.drop(db);
            try {
                // A stand-in for the cloud's table, with a column and an index the fallback schema lacks.
                sql.execute("CREATE TABLE activity_event (id bigint PRIMARY KEY, event_data_id uuid,"
                        + " subscription_id text, resource_group text, resource_id text, correlation_id text,"
                        + " operation_id uuid, operation_name text, event_name text, status text, sub_status text,"
                        + " level text, caller text, event_timestamp timestamptz, submission_timestamp timestamptz,"
                        + " status_code text, error_code text, message text, only_in_live text)");
                sql.execute("CREATE INDEX activity_event_only_in_live ON activity_event (only_in_live)");

                table.create(db);

                assertThat(columns(db, "baseline_event_copytest")).contains("only_in_live");
                assertThat(indexCount(db, "baseline_event_copytest")).isEqualTo(2); // primary key + the extra one
                assertThat(fallbackIndexes).isEqualTo(5); // primary key + the four of V1/V4
            } finally {
                table.drop(db);
                sql.execute("DROP TABLE IF EXISTS activity_event");
            }
        }
    }

    @Test
    void insertsAStartedAndAnOutcomeRowPerOperationInOneStatement() throws Exception {
        ActivityTable table = new ActivityTable("baseline_event_inserttest");
        try (Connection db = connect()) {
            table.create(db);
            try {
                List<UUID> operations = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
                try (var insert = table.prepareInsert(db)) {
                    ActivityTable.insert(insert, operations, List.of("m1", "m2", "m3"));
                }

                assertThat(table.count(db)).isEqualTo(6);
                try (Statement sql = db.createStatement();
                     ResultSet rows = sql.executeQuery("SELECT status, count(*), count(DISTINCT operation_id)"
                             + " FROM baseline_event_inserttest GROUP BY status ORDER BY status")) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getString(1)).isEqualTo("Started");
                    assertThat(rows.getInt(3)).isEqualTo(3);
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getString(1)).isEqualTo("Succeeded");
                    assertThat(rows.getInt(3)).isEqualTo(3);
                    assertThat(rows.next()).isFalse();
                }
            } finally {
                table.drop(db);
            }
        }
    }

    @Test
    void refusesRecordsTooSmallToCarryTheirOperationId() {
        assertThatThrownBy(() -> new Baseline.Settings("b", Map.of(), "j", "u", "p", 10, 35, 100, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 36");
        assertThatThrownBy(() -> new Baseline.Settings("b", Map.of(), "j", "u", "p", 0, 100, 100, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Baseline.Settings settings(int records) {
        return new Baseline.Settings(infra.bootstrapServers(), infra.kafkaClientProperties(KafkaUser.ADMIN), infra.jdbcUrl(),
                infra.dbUsername(), infra.dbPassword(), records, 1024, 512, 4);
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(infra.jdbcUrl(), infra.dbUsername(), infra.dbPassword());
    }

    private static Admin admin() {
        return Admin.create(infra.kafkaClientConfig(KafkaUser.ADMIN));
    }

    private static List<String> tablesNamed(String pattern) throws SQLException {
        try (Connection db = connect();
             var query = db.prepareStatement("SELECT tablename FROM pg_tables WHERE tablename LIKE ?")) {
            query.setString(1, pattern);
            return strings(query.executeQuery());
        }
    }

    private static List<String> columns(Connection db, String table) throws SQLException {
        try (var query = db.prepareStatement("SELECT column_name FROM information_schema.columns WHERE table_name = ?")) {
            query.setString(1, table);
            return strings(query.executeQuery());
        }
    }

    private static int indexCount(Connection db, String table) throws SQLException {
        try (var query = db.prepareStatement("SELECT count(*) FROM pg_indexes WHERE tablename = ?")) {
            query.setString(1, table);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static List<String> strings(ResultSet rows) throws SQLException {
        try (rows) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }
}
