package dev.bulwark.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Searches every text column of the cloud database for a string: the proof that protected settings
 * never rest in the cloud.
 */
public final class SecretScan {
    private SecretScan() {
    }

    /** Returns {@code table.column} for every column holding {@code secret}; empty when none does. */
    public static List<String> columnsContaining(String jdbcUrl, String user, String password, String secret) throws SQLException {
        List<String> hits = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, password)) {
            List<String[]> columns = new ArrayList<>();
            try (ResultSet rs = db.createStatement().executeQuery(
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
                            + " AND data_type IN ('text', 'character varying', 'json', 'jsonb')")) {
                while (rs.next()) {
                    columns.add(new String[]{rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] column : columns) {
                String sql = "SELECT count(*) FROM \"" + column[0] + "\" WHERE position(? in \"" + column[1] + "\"::text) > 0";
                try (var statement = db.prepareStatement(sql)) {
                    statement.setString(1, secret);
                    try (ResultSet rs = statement.executeQuery()) {
                        if (rs.next() && rs.getLong(1) > 0) {
                            hits.add(column[0] + "." + column[1]);
                        }
                    }
                }
            }
        }
        return hits;
    }
}
