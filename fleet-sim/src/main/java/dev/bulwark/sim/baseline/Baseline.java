package dev.bulwark.sim.baseline;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;

/**
 * The floor under Bulwark's times: the same number of records, of the same sizes, pushed through the
 * same Kafka and PostgreSQL with the same client settings and batching, with no Bulwark logic at all.
 * Operations are produced, consumed by an "agent" that produces a result for each, and the results are
 * projected as two activity rows per operation (Started and the outcome), all three stages running at
 * once as Bulwark's do. A load test reports its time as a ratio of this one.
 *
 * <p>Each run works on its own topics, consumer groups and table (named after a fresh run id), and
 * removes them at the end, so it can run beside a live Bulwark on the same servers.
 */
public final class Baseline {

    private Baseline() {
    }

    /**
     * Pushes {@code settings.records()} operations through the pipeline and times it, from the first
     * operation produced to the last activity row committed.
     *
     * @throws IllegalStateException when a stage fails or stalls, or the table does not end with two
     *                               rows per operation
     */
    public static Result run(Settings settings) {
        BaselineNames names = BaselineNames.forRun(UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        try (Admin admin = Admin.create(ClientSettings.admin(settings));
             Connection ddl = DriverManager.getConnection(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword())) {
            BaselineTopics topics = new BaselineTopics(admin, names);
            ActivityTable table = new ActivityTable(names.table());
            try {
                topics.create(settings.partitions());
                table.create(ddl);
                PipelineTiming timing = new Pipeline(settings, names, table).run();
                long rows = table.count(ddl);
                if (rows != 2L * settings.records()) {
                    throw new IllegalStateException("the baseline table holds " + rows + " rows, not 2 x "
                            + settings.records());
                }
                return new Result(timing.records(), timing.seconds(), timing.records() / timing.seconds());
            } finally {
                // Every step on its own: a failed drop must not leave the topics behind, nor hide the first error.
                quietly(() -> table.drop(ddl));
                quietly(topics::delete);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("baseline: PostgreSQL at " + settings.jdbcUrl() + " failed: " + e.getMessage(), e);
        }
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            System.err.println("baseline: cleanup failed: " + e);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /**
     * Where and how much.
     *
     * @param kafkaClient    Kafka security settings of a user that may create and delete topics and groups (the admin)
     * @param records        operations; the pipeline carries as many results and writes twice as many rows
     * @param operationBytes size of each operation record's value (at least 36: it starts with the operation id)
     * @param resultBytes    size of each result record's value (same minimum)
     * @param partitions     of each of the two topics; Bulwark's topics should have as many
     */
    public record Settings(String bootstrapServers, Map<String, String> kafkaClient, String jdbcUrl, String dbUser,
                           String dbPassword, int records, int operationBytes, int resultBytes, int partitions) {
        public Settings {
            kafkaClient = Map.copyOf(kafkaClient);
            if (records <= 0 || partitions <= 0) {
                throw new IllegalArgumentException("records and partitions must be positive");
            }
            if (operationBytes < Payloads.ID_LENGTH || resultBytes < Payloads.ID_LENGTH) {
                throw new IllegalArgumentException("records carry their operation id: operationBytes and resultBytes"
                        + " must be at least " + Payloads.ID_LENGTH);
            }
        }

        /** Without the passwords: the database's, and the one in {@code sasl.jaas.config}. */
        @Override
        public String toString() {
            return "Baseline.Settings[" + bootstrapServers + " with " + kafkaClient.keySet() + ", " + jdbcUrl + " as " + dbUser
                    + ", " + records + " records of " + operationBytes + "/" + resultBytes + " bytes, " + partitions + " partitions]";
        }
    }

    /** @param seconds from the first operation produced to the last activity row committed */
    public record Result(int records, double seconds, double recordsPerSecond) {
    }
}
