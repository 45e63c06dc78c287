package dev.bulwark.cloud.repository;

import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * What every repository needs to pass batches to PostgreSQL: a batch is sent as one array per column and
 * expanded with {@code unnest}, so a statement costs the same one round trip for one row or ten thousand.
 */
public final class Sql {
    private Sql() {
    }

    /** One column of a batch, as the array {@code unnest} expands. */
    public static <T, C> C[] column(List<T> rows, Function<T, C> value, IntFunction<C[]> array) {
        C[] column = array.apply(rows.size());
        for (int i = 0; i < column.length; i++) {
            column[i] = value.apply(rows.get(i));
        }
        return column;
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static OffsetDateTime[] utc(List<Instant> instants) {
        return column(instants, Sql::utc, OffsetDateTime[]::new);
    }

    public static Instant instant(Row row, int column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
