package dev.bulwark.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A PostgreSQL killed with SIGKILL and started again on its data directory has every committed row. */
class PostgresRestartTest {

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "system"})
    void aServerKilledAndStartedAgainOnItsDataKeepsItsRowsAndPort(String flavour) throws Exception {
        assumeTrue(flavour.equals("embedded") || Files.isExecutable(Postgres.SYSTEM_BIN.resolve("initdb")),
                () -> "Skipped: BULWARK_PG=system needs " + Postgres.SYSTEM_BIN.resolve("initdb"));
        Path work = Path.of("target", "postgres-restart-test-" + flavour);
        FileTree.delete(work); // a start keeps what it finds there
        Map<String, String> env = Map.of("BULWARK_PG", flavour);

        int port;
        Postgres first = Postgres.start(work, Durability.DURABLE, false, env);
        try {
            assertThat(first.reusedData()).isFalse();
            PostgresTest.assertSettings(first, "on");
            port = first.port();
            try (Connection c = PostgresTest.connect(first); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE machine (id text PRIMARY KEY)");
                s.execute("INSERT INTO machine VALUES ('machine-1')");
            }
            ProcessHandle postmaster = first.process();
            assertThat(postmaster.destroyForcibly()).as("kill -9 of the postmaster").isTrue();
            postmaster.onExit().get(30, TimeUnit.SECONDS);
        } finally {
            first.close(); // finds no server to stop; releases what this JVM held
        }

        try (Postgres again = Postgres.start(work, Durability.DURABLE, false, env)) {
            assertThat(again.reusedData()).isTrue();
            assertThat(again.port()).as("the port of the first start, free again").isEqualTo(port);
            try (Connection c = PostgresTest.connect(again); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id FROM machine")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("machine-1");
                assertThat(rs.next()).isFalse();
            }
        }
        assertThat(work.resolve("pg-" + flavour).resolve("PG_VERSION")).as("the data outlive a stop").exists();
    }
}
