package dev.bulwark.cloud.support;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Direct reads of the cloud database, to check what is (and is not) stored. */
public final class Database {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Database() {
    }

    public static long count(Pool pool, String sql, Object... parameters) {
        return pool.preparedQuery(sql).execute(Tuple.from(List.of(parameters))).await().atMost(TIMEOUT)
                .iterator().next().getLong(0);
    }

    /** Every row count a write leaves behind for one machine: extensions, operations, outbox, events. */
    public static long rowsOf(Pool pool, String machineId) {
        return count(pool, "SELECT (SELECT count(*) FROM extension WHERE machine_id = $1)"
                + " + (SELECT count(*) FROM operation WHERE machine_id = $1)"
                + " + (SELECT count(*) FROM outbox WHERE $1 = ANY(machine_ids))"
                + " + (SELECT count(*) FROM activity_event WHERE resource_id LIKE $1 || '/%')", machineId);
    }

    /** {@code table.column} of every text-like column in which {@code needle} occurs. */
    public static List<String> columnsContaining(Pool pool, String needle) {
        List<String> hits = new ArrayList<>();
        for (Row column : pool.query("SELECT table_name, column_name FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')")
                .execute().await().atMost(TIMEOUT)) {
            String table = column.getString(0);
            String name = column.getString(1);
            long found = count(pool, "SELECT count(*) FROM \"" + table + "\" WHERE position($1 in \"" + name + "\"::text) > 0",
                    needle);
            if (found > 0) {
                hits.add(table + "." + name);
            }
        }
        return hits;
    }
}
