package dev.bulwark.cloud.repository;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The read side of the outbox, in plain SQL on the reactive pool (set-based statements Hibernate has no
 * words for). Blocking by design: it runs on the relay's own thread, never on an event loop.
 */
@ApplicationScoped
public class OutboxRelayRepository {
    /** Key of the advisory lock that makes one replica at a time the relay (see {@link #relayBatch}). */
    private static final long RELAY_LOCK = 0x62756c77_6172_6bL; // "bulwark"
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    public record PendingMessage(long id, String topic, String machineId, String payload) {
    }

    /**
     * In one transaction: locks the oldest {@code limit} rows, hands them to {@code publish} (which returns
     * once Kafka acknowledged every one), then deletes them. If anything fails the transaction rolls back
     * and the rows are published again later: at-least-once, and agents ignore an operationId they saw.
     *
     * <p>Several replicas may run this. The transaction-scoped advisory lock lets one relay at a time
     * publish, which keeps each machine's operations in outbox order on its partition;
     * {@code FOR UPDATE SKIP LOCKED} additionally guarantees no row is ever handed to two relays.
     *
     * @return how many rows were relayed (0 when another replica holds the relay lock)
     */
    public int relayBatch(int limit, Consumer<List<PendingMessage>> publish) {
        SqlConnection connection = pool.getConnection().await().atMost(TIMEOUT);
        try {
            Transaction transaction = connection.begin().await().atMost(TIMEOUT);
            try {
                int relayed = relayLocked(connection, limit, publish);
                transaction.commit().await().atMost(TIMEOUT);
                return relayed;
            } catch (RuntimeException e) {
                transaction.rollback().onFailure().recoverWithNull().await().atMost(TIMEOUT);
                throw e;
            }
        } finally {
            connection.close().await().atMost(TIMEOUT);
        }
    }

    private static int relayLocked(SqlConnection connection, int limit, Consumer<List<PendingMessage>> publish) {
        boolean leader = connection.preparedQuery("SELECT pg_try_advisory_xact_lock($1)")
                .execute(Tuple.of(RELAY_LOCK)).await().atMost(TIMEOUT).iterator().next().getBoolean(0);
        if (!leader) {
            return 0;
        }
        List<PendingMessage> batch = new ArrayList<>();
        for (Row row : connection.preparedQuery(
                        "SELECT id, topic, machine_id, payload FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(limit)).await().atMost(TIMEOUT)) {
            batch.add(new PendingMessage(row.getLong("id"), row.getString("topic"), row.getString("machine_id"),
                    row.getString("payload")));
        }
        if (batch.isEmpty()) {
            return 0;
        }
        publish.accept(batch);
        Long[] ids = batch.stream().map(PendingMessage::id).toArray(Long[]::new);
        connection.preparedQuery("DELETE FROM outbox WHERE id = ANY($1)").execute(Tuple.of(ids)).await().atMost(TIMEOUT);
        return batch.size();
    }
}
