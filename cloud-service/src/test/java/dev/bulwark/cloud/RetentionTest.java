package dev.bulwark.cloud;

import dev.bulwark.cloud.config.RetentionConfig;
import dev.bulwark.cloud.repository.OperationRepository.PruneCursor;
import dev.bulwark.cloud.service.RetentionPruner;
import dev.bulwark.cloud.service.RetentionPruner.Batch;
import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.Database;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.OperationResult;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention: activity events and finished operations older than 90 days are deleted a batch at a time, the rest
 * stays, the activity log no longer lists what went, and a result redelivered for a deleted operation changes
 * nothing. Old rows are made by ageing real ones (SQL moves their times back) or inserted by SQL; the pruner's
 * clock is moved forward to age the rest.
 */
@QuarkusTest
class RetentionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    Pool pool;
    @Inject
    RetentionPruner pruner;
    @Inject
    RetentionConfig config;

    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0", "1.1");
    }

    @Test
    void oldEventsAndFinishedOperationsGoInBatchesAndARedeliveredResultOfOneChangesNothing() {
        int batch = config.batchSize();
        assertThat(config.activityLog()).isEqualTo(Duration.ofDays(90));
        assertThat(config.operations()).isEqualTo(Duration.ofDays(90));
        // Through the API: an install and an update, both finished, aged 100 days (old), 80 days (aging) and not (fresh).
        Story old = installedThenUpdated(FakeMachine.registered());
        Story aging = installedThenUpdated(FakeMachine.registered());
        Story fresh = installedThenUpdated(FakeMachine.registered());
        age(old.machine(), 100);
        age(aging.machine(), 80);
        // By SQL, enough for several batches: events of another resource group, finished operations of no extension,
        // and operations still in progress (never deleted, however old).
        String bulkGroup = "rg-bulk-" + UUID.randomUUID().toString().substring(0, 8);
        insertOldEvents(bulkGroup, 2 * batch + 20);
        String bulkMachine = "/subscriptions/sub-test/resourcegroups/" + bulkGroup + "/providers/microsoft.hybridcompute/machines/bulk";
        insertOldOperations(bulkMachine, "Succeeded", batch + 10);
        insertOldOperations(bulkMachine, "InProgress", 3);

        Instant now = Instant.now();
        Instant cutoff = now.minus(Duration.ofDays(90));
        long oldEvents = count("SELECT count(*) FROM activity_event WHERE event_timestamp < $1", cutoff);
        long oldOperations = count("SELECT count(*) FROM operation WHERE start_time < $1", cutoff);
        long deletableOperations = count("SELECT count(*) FROM operation o WHERE end_time < $1 AND status <> 'InProgress'"
                + " AND NOT EXISTS (SELECT 1 FROM extension e WHERE e.id = o.extension_id AND e.last_operation_id = o.operation_id)",
                cutoff);
        assertThat(oldEvents).isGreaterThanOrEqualTo(2L * batch + 20 + 4);
        assertThat(deletableOperations).isGreaterThanOrEqualTo(batch + 10 + 1);
        // Aged, the old story is still listed until it is pruned (the API itself has no time limit).
        assertThat(eventsIn(old.machine().resourceGroup)).isEqualTo(4);
        assertThat(eventsIn(bulkGroup)).isEqualTo(2 * batch + 20);

        List<Batch> batches = new ArrayList<>();
        PruneCursor cursor = null;
        Batch step;
        do {
            step = pruner.pruneBatch(now, cursor).await().atMost(TIMEOUT);
            batches.add(step);
            cursor = step.operations().next();
        } while (step.more());

        // Batches of at most batch-size rows, full until the last; every old event, every finished old operation.
        List<Integer> eventBatches = batches.stream().map(Batch::eventsDeleted).toList();
        assertThat(eventBatches).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(batch));
        assertThat(eventBatches.stream().mapToLong(Integer::longValue).sum()).isEqualTo(oldEvents);
        assertThat(eventBatches.stream().filter(n -> n == batch).count()).isEqualTo(oldEvents / batch);
        assertThat(batches.stream().mapToLong(b -> b.operations().scanned()).sum()).isEqualTo(oldOperations);
        assertThat(batches.stream().mapToLong(b -> b.operations().deleted()).sum()).isEqualTo(deletableOperations);
        assertThat(batches).hasSizeGreaterThanOrEqualTo(3);
        assertThat(count("SELECT count(*) FROM activity_event WHERE event_timestamp < $1", cutoff)).isZero();

        // The old story: its events are gone, from the table and from the API; its install is gone, its update
        // (the extension's latest operation) stays; polling the install's status answers 404.
        assertThat(eventsIn(old.machine().resourceGroup)).isZero();
        assertThat(count("SELECT count(*) FROM activity_event WHERE resource_group = $1", old.machine().resourceGroup)).isZero();
        assertThat(operationExists(old.install())).isFalse();
        assertThat(operationExists(old.update())).isTrue();
        given().queryParam("api-version", Arm.API_VERSION).get(statusPath(old.install())).then().statusCode(404);
        given().queryParam("api-version", Arm.API_VERSION).get(statusPath(old.update())).then().statusCode(200);
        // SQL-made rows: old events gone, finished operations gone, those in progress kept.
        assertThat(eventsIn(bulkGroup)).isZero();
        assertThat(count("SELECT count(*) FROM operation WHERE machine_id = $1 AND status = 'Succeeded'", bulkMachine)).isZero();
        assertThat(count("SELECT count(*) FROM operation WHERE machine_id = $1 AND status = 'InProgress'", bulkMachine)).isEqualTo(3);
        // Younger than the retention: everything stays.
        for (Story kept : List.of(aging, fresh)) {
            assertThat(eventsIn(kept.machine().resourceGroup)).isEqualTo(4);
            assertThat(operationExists(kept.install())).isTrue();
            assertThat(operationExists(kept.update())).isTrue();
        }

        // The install's result delivered again: no operation claims it, so it is ignored (no second outcome event, the
        // extension still shows the update). A later result of the same machine (same partition) shows it was read.
        old.machine().send(old.installResult());
        Response another = old.machine().putExtension("two", Bodies.extension("1.0"));
        old.machine().send(old.machine().succeeded(old.machine().awaitOperation(Arm.operationIdOf(another)).operation()));
        await().atMost(PATIENCE).until(() -> "Succeeded".equals(old.machine().getExtension("two").path("properties.provisioningState")));
        assertThat(count("SELECT count(*) FROM activity_event WHERE operation_id = $1", UUID.fromString(old.install()))).isZero();
        assertThat(operationExists(old.install())).isFalse();
        assertThat(old.machine().getExtension("one").jsonPath().getString("properties.typeHandlerVersion")).isEqualTo("1.1");
        assertThat(old.machine().getExtension("one").jsonPath().getString("properties.provisioningState")).isEqualTo("Succeeded");
        assertThat(eventsIn(old.machine().resourceGroup)).isEqualTo(2);
    }

    @Test
    void theScheduledPrunerTakesItsTimeFromTheClock() {
        Story aging = installedThenUpdated(FakeMachine.registered());
        Story fresh = installedThenUpdated(FakeMachine.registered());
        age(aging.machine(), 80);

        // 11 days on, the aging story is 91 days old: the pruner, woken as its timer would, deletes it.
        QuarkusMock.installMockForType(Clock.offset(Clock.systemUTC(), Duration.ofDays(11)), Clock.class);
        pruner.wake();

        await().atMost(PATIENCE).until(() -> eventsIn(aging.machine().resourceGroup) == 0);
        await().atMost(PATIENCE).until(() -> !operationExists(aging.install()));
        assertThat(operationExists(aging.update())).isTrue();
        assertThat(eventsIn(fresh.machine().resourceGroup)).isEqualTo(4);
        assertThat(operationExists(fresh.install())).isTrue();
    }

    /** Two finished operations of one extension: an install (then history) and an update (its latest). */
    private record Story(FakeMachine machine, String install, OperationResult installResult, String update) {
    }

    private static Story installedThenUpdated(FakeMachine machine) {
        Response installing = machine.putExtension("one", Bodies.extension("1.0"));
        assertThat(installing.statusCode()).isEqualTo(202);
        String install = Arm.operationIdOf(installing);
        OperationResult installed = machine.succeeded(machine.awaitOperation(install).operation());
        machine.send(installed);
        await().atMost(PATIENCE).until(() -> "Succeeded".equals(machine.getExtension("one").path("properties.provisioningState")));

        Response updating = machine.putExtension("one", Bodies.extension("1.1"));
        assertThat(updating.statusCode()).isEqualTo(202);
        String update = Arm.operationIdOf(updating);
        ExtensionOperation operation = machine.awaitOperation(update).operation();
        machine.send(machine.succeeded(operation));
        await().atMost(PATIENCE).until(() -> "Succeeded".equals(machine.getExtension("one").path("properties.provisioningState"))
                && "1.1".equals(machine.getExtension("one").path("properties.typeHandlerVersion")));
        return new Story(machine, install, installed, update);
    }

    /** Moves a machine's events and operations {@code days} into the past. */
    private void age(FakeMachine machine, int days) {
        String id = machine.machineId();
        pool.preparedQuery("UPDATE activity_event SET event_timestamp = event_timestamp - $2 * interval '1 day',"
                        + " submission_timestamp = submission_timestamp - $2 * interval '1 day' WHERE resource_id = $1 OR resource_id LIKE $1 || '/%'")
                .execute(Tuple.of(id, days)).await().atMost(TIMEOUT);
        pool.preparedQuery("UPDATE operation SET start_time = start_time - $2 * interval '1 day', end_time = end_time - $2 * interval '1 day'"
                        + " WHERE machine_id = $1")
                .execute(Tuple.of(id, days)).await().atMost(TIMEOUT);
    }

    private void insertOldEvents(String resourceGroup, int count) {
        pool.preparedQuery("INSERT INTO activity_event (event_data_id, subscription_id, resource_group, resource_id, correlation_id,"
                        + " operation_id, operation_name, event_name, status, level, caller, event_timestamp, submission_timestamp)"
                        + " SELECT gen_random_uuid(), 'sub-test', $1, '/subscriptions/sub-test/resourcegroups/' || $1, 'bulk',"
                        + " gen_random_uuid(), 'Microsoft.HybridCompute/machines/write', 'EndRequest', 'Succeeded', 'Informational',"
                        + " 'test', now() - interval '100 days' - i * interval '1 second', now() - interval '100 days'"
                        + " FROM generate_series(1, $2) AS i")
                .execute(Tuple.of(resourceGroup, count)).await().atMost(TIMEOUT);
    }

    private void insertOldOperations(String machineId, String status, int count) {
        pool.preparedQuery("INSERT INTO operation (operation_id, async_operation_id, correlation_id, subscription_id, resource_group,"
                        + " machine_id, extension_id, extension_resource_id, extension_name, publisher, extension_type,"
                        + " extension_version, kind, operation_name, caller, status, start_time, end_time)"
                        + " SELECT id, id, 'bulk', 'sub-test', 'bulk', $1, gen_random_uuid(), $1 || '/extensions/gone', 'gone',"
                        + " 'Contoso', 'Gone', '1.0', 'INSTALL', 'Microsoft.HybridCompute/machines/extensions/write', 'test', $2,"
                        + " now() - interval '100 days' - i * interval '1 second',"
                        + " CASE WHEN $2 = 'InProgress' THEN NULL ELSE now() - interval '100 days' END"
                        + " FROM (SELECT gen_random_uuid() AS id, i FROM generate_series(1, $3) AS i) AS made")
                .execute(Tuple.of(machineId, status, count)).await().atMost(TIMEOUT);
    }

    private long count(String sql, Object... parameters) {
        Object[] bound = new Object[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            bound[i] = parameters[i] instanceof Instant instant ? instant.atOffset(java.time.ZoneOffset.UTC) : parameters[i];
        }
        return Database.count(pool, sql, bound);
    }

    private boolean operationExists(String operationId) {
        return count("SELECT count(*) FROM operation WHERE operation_id = $1", UUID.fromString(operationId)) == 1;
    }

    /** Events the activity log API lists for a resource group (one page is enough here). */
    private static int eventsIn(String resourceGroup) {
        return given().queryParam("api-version", Arm.ACTIVITY_API_VERSION)
                .queryParam("$filter", "resourceGroupName eq '" + resourceGroup + "'")
                .get(Arm.activityLogPath("sub-test")).then().statusCode(200).extract().jsonPath().getList("value").size();
    }

    private static String statusPath(String operationId) {
        return "/subscriptions/sub-test/providers/Microsoft.HybridCompute/locations/westeurope/operationstatus/" + operationId;
    }
}
