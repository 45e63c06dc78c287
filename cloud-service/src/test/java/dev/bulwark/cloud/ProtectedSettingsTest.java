package dev.bulwark.cloud;

import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.Database;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Protected settings travel sealed to one machine and rest nowhere in the cloud. */
@QuarkusTest
class ProtectedSettingsTest {
    @Inject
    Pool pool;

    /** Installs and upgrades need published packages. */
    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0");
    }

    @Test
    void protectedSettingsAreNeverStoredInTheDatabaseNorReturned() {
        FakeMachine machine = FakeMachine.registered();
        String secret = "plaintext-marker-" + UUID.randomUUID();

        Response accepted = machine.putExtension("logs", Bodies.extensionWithSecret("1.0", secret));

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.asString()).doesNotContain(secret);
        assertThat(Database.columnsContaining(pool, secret)).isEmpty();
        machine.awaitOperation(Arm.operationIdOf(accepted));
        await().atMost(PATIENCE).until(() -> Database.count(pool, "SELECT count(*) FROM outbox WHERE $1 = ANY(machine_ids)",
                machine.machineId()) == 0);
        assertThat(Database.columnsContaining(pool, secret)).isEmpty();
        assertThat(machine.getExtension("logs").asString()).doesNotContain(secret).doesNotContain("protectedSettings");
        assertThat(given().queryParam("api-version", Arm.API_VERSION).get(machine.path() + "/extensions").asString())
                .doesNotContain(secret);
    }
}
