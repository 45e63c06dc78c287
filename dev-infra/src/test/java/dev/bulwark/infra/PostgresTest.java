package dev.bulwark.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PostgresTest {

    @Test
    void embeddedServesTheBulwarkDatabase() throws Exception {
        String jdbcUrl;
        try (Postgres pg = Postgres.startEmbedded(Path.of("target", "postgres-test"), Durability.FAST, true)) {
            jdbcUrl = pg.jdbcUrl();
            assertThat(pg.reactiveUrl()).isEqualTo("postgresql://127.0.0.1:" + pg.port() + "/bulwark");
            assertRoundTrip(pg);
            assertSettings(pg, "off");
        }
        assertThatThrownBy(() -> DriverManager.getConnection(jdbcUrl, "bulwark", "bulwark").close())
                .as("connecting after close()")
                .isInstanceOf(SQLException.class);
    }

    @Test
    void systemBinariesWhenAskedFor() throws Exception {
        Path initdb = Postgres.SYSTEM_BIN.resolve("initdb");
        assumeTrue(Files.isExecutable(initdb),
                () -> "Skipped: BULWARK_PG=system needs " + initdb + " (Debian package postgresql-15), not installed here");

        try (Postgres pg = Postgres.start(Path.of("target", "postgres-system-test"), Durability.FAST, true,
                Map.of("BULWARK_PG", "system"))) {
            assertThat(pg.description()).isEqualTo("system PostgreSQL 15");
            assertRoundTrip(pg);
            try (Connection c = connect(pg); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW server_version_num")) {
                rs.next();
                assertThat(rs.getInt(1)).isBetween(150000, 159999);
            }
        }
    }

    /** fsync, synchronous_commit and full_page_writes as the server reports them. */
    static void assertSettings(Postgres pg, String expected) throws SQLException {
        try (Connection c = connect(pg); Statement s = c.createStatement()) {
            for (String setting : Durability.DURABLE.serverSettings().keySet()) {
                try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as(setting).isEqualTo(expected);
                }
            }
        }
    }

    private static void assertRoundTrip(Postgres pg) throws SQLException {
        try (Connection c = connect(pg); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE machine (id text PRIMARY KEY, extensions int NOT NULL)");
            s.execute("INSERT INTO machine VALUES ('machine-1', 3)");
            try (ResultSet rs = s.executeQuery("SELECT extensions, current_user, current_database() FROM machine")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(3);
                assertThat(rs.getString(2)).isEqualTo("bulwark");
                assertThat(rs.getString(3)).isEqualTo("bulwark");
            }
        }
    }

    static Connection connect(Postgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
    }
}
