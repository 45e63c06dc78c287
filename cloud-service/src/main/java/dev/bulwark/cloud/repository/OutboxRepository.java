package dev.bulwark.cloud.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static dev.bulwark.cloud.repository.Sql.utc;

/**
 * The transactional outbox: signed cloud-to-agent messages written in the transaction that decided them,
 * a batch per row (one topic; each message with its key, the machine id), and relayed to Kafka.
 */
@ApplicationScoped
public class OutboxRepository {
    /** Key of the advisory lock that makes one replica at a time the relay (see {@link #relay}). */
    private static final long RELAY_LOCK = 0x62756c77_6172_6bL; // "bulwark"

    @Inject
    Pool pool;

    /** One message waiting to be sent: its record key and value. */
    public record Message(String machineId, String payload) {
    }

    /** One outbox row: messages for one topic, in order. */
    public record Batch(long id, String topic, List<Message> messages) {
    }

    /** Adds {@code messages} as one row, inside the caller's transaction. */
    public Uni<Void> add(SqlClient client, String topic, List<Message> messages, Instant at) {
        if (messages.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery("INSERT INTO outbox (topic, machine_ids, payloads, created_at) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(topic, messages.stream().map(Message::machineId).toArray(String[]::new),
                        messages.stream().map(Message::payload).toArray(String[]::new), utc(at)))
                .replaceWithVoid();
    }

    /**
     * In one transaction: locks the oldest {@code limit} rows, hands them to {@code publish} (whose Uni
     * completes once Kafka acknowledged every message), then deletes them. If anything fails the transaction
     * rolls back and the rows are published again later: at-least-once, and agents ignore an operationId they
     * saw.
     *
     * <p>Several replicas may run this. The transaction-scoped advisory lock lets one relay at a time
     * publish, which keeps each machine's messages in outbox order on its partition; {@code FOR UPDATE SKIP
     * LOCKED} additionally guarantees no row is ever handed to two relays. Outbox order is each machine's
     * operation sequence order: the transactions that issue to one machine take turns on its row
     * ({@link OperationSequenceRepository#reserve}), so the later one's row gets the higher id.
     *
     * @return how many rows were relayed (0 when another replica holds the relay lock)
     */
    public Uni<Integer> relay(int limit, Function<List<Batch>, Uni<Void>> publish) {
        return pool.withTransaction(connection -> connection.preparedQuery("SELECT pg_try_advisory_xact_lock($1)")
                .execute(Tuple.of(RELAY_LOCK))
                .chain(locked -> locked.iterator().next().getBoolean(0) ? relayLocked(connection, limit, publish)
                        : Uni.createFrom().item(0)));
    }

    private static Uni<Integer> relayLocked(SqlConnection connection, int limit, Function<List<Batch>, Uni<Void>> publish) {
        return connection.preparedQuery("SELECT id, topic, machine_ids, payloads FROM outbox ORDER BY id LIMIT $1"
                        + " FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(limit))
                .chain(rows -> {
                    List<Batch> batches = new ArrayList<>();
                    for (Row row : rows) {
                        String[] keys = row.getArrayOfStrings(2);
                        String[] payloads = row.getArrayOfStrings(3);
                        List<Message> messages = new ArrayList<>(keys.length);
                        for (int i = 0; i < keys.length; i++) {
                            messages.add(new Message(keys[i], payloads[i]));
                        }
                        batches.add(new Batch(row.getLong(0), row.getString(1), messages));
                    }
                    if (batches.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    Long[] ids = batches.stream().map(Batch::id).toArray(Long[]::new);
                    return publish.apply(batches)
                            .chain(() -> connection.preparedQuery("DELETE FROM outbox WHERE id = ANY($1)").execute(Tuple.of(ids)))
                            .replaceWith(batches.size());
                });
    }
}
