package dev.bulwark.sim.baseline;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Stage 3, the cloud's results projection with nothing to check: per poll, one transaction with one
 * statement inserting a Started and an outcome row per result, then the offsets. Returns when the last
 * operation's rows were committed.
 */
final class ActivityProjection implements Callable<ActivityProjection.Finish> {

    private final Baseline.Settings settings;
    private final BaselineNames names;
    private final ActivityTable table;
    private final CountDownLatch consumersReady;

    ActivityProjection(Baseline.Settings settings, BaselineNames names, ActivityTable table, CountDownLatch consumersReady) {
        this.settings = settings;
        this.names = names;
        this.table = table;
        this.consumersReady = consumersReady;
    }

    @Override
    public Finish call() throws Exception {
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword());
             PreparedStatement insert = table.prepareInsert(connection);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ClientSettings.consumer(
                     settings, names.projectionGroup(), ClientSettings.PROJECTION_MAX_POLL_RECORDS))) {
            connection.setAutoCommit(false);
            consumer.subscribe(List.of(names.resultsTopic()), new ReadyOnAssignment(consumersReady));
            Stall stall = new Stall("projection", settings.records());
            int projected = 0;
            long lastCommitted = System.nanoTime();
            while (projected < settings.records()) {
                ConsumerRecords<byte[], byte[]> results = consumer.poll(Duration.ofMillis(100));
                stall.check(results.count(), projected, consumer);
                if (results.isEmpty()) {
                    continue;
                }
                List<UUID> operationIds = new ArrayList<>(results.count());
                List<String> machineKeys = new ArrayList<>(results.count());
                for (ConsumerRecord<byte[], byte[]> result : results) {
                    operationIds.add(Payloads.operationId(result.value()));
                    machineKeys.add(new String(result.key(), StandardCharsets.UTF_8));
                }
                ActivityTable.insert(insert, operationIds, machineKeys);
                connection.commit();
                lastCommitted = System.nanoTime();
                consumer.commitSync();
                projected += results.count();
            }
            return new Finish(projected, lastCommitted);
        }
    }

    /** @param lastCommittedNanos {@link System#nanoTime()} when the last rows were committed */
    record Finish(int projected, long lastCommittedNanos) {
    }
}
