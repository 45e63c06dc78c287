package dev.bulwark.sim.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * What the cloud still has to do, read from its database: outbox rows not yet relayed, operations not final
 * (neither Succeeded nor Failed), rollouts still running, and the activity log's size (which must stop growing).
 */
public record Backlog(long outboxRows, long notFinal, long runningRollouts, long activityEvents) {

    public boolean empty() {
        return outboxRows == 0 && notFinal == 0 && runningRollouts == 0;
    }

    public static Backlog read(String jdbcUrl, String user, String password) throws SQLException {
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, password); Statement statement = db.createStatement()) {
            return new Backlog(count(statement, "SELECT count(*) FROM outbox"),
                    count(statement, "SELECT count(*) FROM operation WHERE status NOT IN ('Succeeded', 'Failed')"),
                    count(statement, "SELECT count(*) FROM rollout WHERE state IN ('Running', 'Canceling')"),
                    count(statement, "SELECT count(*) FROM activity_event"));
        }
    }

    /**
     * Waits for quiescence: an empty backlog twice in a row, {@code interval} apart, with no new activity event in
     * between; returns the last reading when {@code timeout} passes first.
     */
    public static Backlog awaitQuiescence(String jdbcUrl, String user, String password, Duration interval, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Backlog previous = null;
        SQLException failure = null;
        while (true) {
            try {
                Backlog now = read(jdbcUrl, user, password);
                if (now.empty() && now.equals(previous)) {
                    return now;
                }
                previous = now;
            } catch (SQLException e) {
                failure = e;
            }
            if (System.nanoTime() > deadline) {
                if (previous == null) {
                    throw new IllegalStateException("the cloud database did not answer: " + failure, failure);
                }
                return previous;
            }
            Thread.sleep(interval.toMillis());
        }
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
