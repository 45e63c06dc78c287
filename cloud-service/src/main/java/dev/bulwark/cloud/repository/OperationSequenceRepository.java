package dev.bulwark.cloud.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;

/**
 * Each machine's operation counter ({@code machine.operation_sequence}): the sequence number of the last
 * operation issued to it. Agents run only operations newer than the last they ran, so the numbers must grow
 * per machine in the order the operations reach Kafka.
 */
@ApplicationScoped
public class OperationSequenceRepository {

    /**
     * Raises the counters of a batch's machines in one statement, inside the issuing transaction. The machine
     * rows stay locked until it ends: two transactions issuing to one machine take turns, so the later one
     * gets the higher numbers and writes its outbox row after the earlier one committed (the relay sends rows
     * in id order). The rows are locked in machine id order, so transactions issuing to overlapping machines
     * wait for each other instead of deadlocking.
     *
     * @param counts machine resource id to how many operations the batch issues to it (1 or more)
     * @return machine resource id to the first sequence number of its operations in the batch
     */
    public Uni<Map<String, Long>> reserve(SqlClient transaction, Map<String, Integer> counts) {
        String[] machines = counts.keySet().toArray(String[]::new);
        Integer[] sizes = new Integer[machines.length];
        for (int i = 0; i < machines.length; i++) {
            sizes[i] = counts.get(machines[i]);
        }
        return transaction.preparedQuery("WITH locked AS (SELECT m.resource_id, v.count FROM machine m"
                        + " JOIN unnest($1::text[], $2::int[]) AS v(resource_id, count) ON v.resource_id = m.resource_id"
                        + " ORDER BY m.resource_id FOR NO KEY UPDATE OF m)"
                        + " UPDATE machine m SET operation_sequence = m.operation_sequence + l.count FROM locked l"
                        + " WHERE m.resource_id = l.resource_id"
                        + " RETURNING m.resource_id, m.operation_sequence - l.count + 1")
                .execute(Tuple.of(machines, sizes))
                .map(rows -> {
                    Map<String, Long> first = new HashMap<>();
                    for (Row row : rows) {
                        first.put(row.getString(0), row.getLong(1));
                    }
                    if (first.size() != machines.length) {
                        throw new IllegalStateException((machines.length - first.size())
                                + " machine(s) of the batch are not registered: cannot number their operations");
                    }
                    return first;
                });
    }
}
