package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.row.ExtensionRow;
import dev.bulwark.cloud.repository.row.MachineRow;
import dev.bulwark.cloud.repository.row.OperationRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static dev.bulwark.cloud.repository.Sql.column;
import static dev.bulwark.cloud.repository.Sql.utc;

/** The extension table; lookups use the unique (machine_id, name_key) index. */
@ApplicationScoped
public class ExtensionRepository {

    /** A settled extension with its latest operation and its machine. */
    public record Settled(ExtensionRow extension, OperationRow lastOperation, MachineRow machine) {
    }

    /** What one result changes on its extension. {@code removes}: a successful delete. */
    public record ResultChange(UUID extensionId, UUID operationId, boolean removes, String provisioningState,
                               String instanceView, String installedVersion) {
    }

    public Uni<ExtensionRow> findByName(SqlClient client, String machineId, String name) {
        return findByName(client, machineId, name, "");
    }

    /** Locked until the transaction ends: concurrent writes to one extension take turns. */
    public Uni<ExtensionRow> findByNameForUpdate(SqlClient transaction, String machineId, String name) {
        return findByName(transaction, machineId, name, " FOR UPDATE");
    }

    private Uni<ExtensionRow> findByName(SqlClient client, String machineId, String name, String lock) {
        return client.preparedQuery("SELECT " + ExtensionRow.COLUMNS + " FROM extension WHERE machine_id = $1 AND name_key = $2"
                        + lock)
                .execute(Tuple.of(machineId, nameKey(name)))
                .map(rows -> rows.size() == 0 ? null : ExtensionRow.of(rows.iterator().next()));
    }

    /** The machine's extensions, locked until the transaction ends. */
    public Uni<List<ExtensionRow>> listByMachineForUpdate(SqlClient transaction, String machineId) {
        return transaction.preparedQuery("SELECT " + ExtensionRow.COLUMNS + " FROM extension WHERE machine_id = $1"
                        + " ORDER BY name_key FOR UPDATE")
                .execute(Tuple.of(machineId))
                .map(rows -> list(rows, ExtensionRow::of));
    }

    /**
     * One page of the machine's extensions in name order after {@code afterNameKey} (null: from the first): a range
     * scan of the (machine_id, name_key) unique index.
     */
    public Uni<List<ExtensionRow>> page(SqlClient client, String machineId, String afterNameKey, int limit) {
        return client.preparedQuery("SELECT " + ExtensionRow.COLUMNS + " FROM extension WHERE machine_id = $1"
                        + " AND name_key > $2 ORDER BY name_key LIMIT $3")
                .execute(Tuple.of(machineId, afterNameKey == null ? "" : afterNameKey, limit))
                .map(rows -> list(rows, ExtensionRow::of));
    }

    /**
     * Writes the desired state of extensions, one statement for the new ones and one for the known ones:
     * a plain INSERT and a plain UPDATE each cost less than one INSERT ... ON CONFLICT for the batch.
     *
     * @param created the rows never stored before
     */
    public Uni<Void> write(SqlClient client, List<ExtensionRow> created, List<ExtensionRow> changed) {
        return insert(client, created).chain(() -> update(client, changed));
    }

    private static Uni<Void> insert(SqlClient client, List<ExtensionRow> extensions) {
        if (extensions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery("INSERT INTO extension (id, machine_id, name, name_key, location, publisher, type,"
                        + " type_handler_version, installed_version, settings, auto_upgrade_minor_version,"
                        + " enable_automatic_upgrade, force_update_tag, provisioning_state, instance_view, last_operation_id,"
                        + " created_at, updated_at)"
                        + " SELECT v.id, v.machine_id, v.name, lower(v.name), v.location, v.publisher, v.type, v.version,"
                        + " v.installed, v.settings, v.auto_minor, v.auto_upgrade, v.force_tag, v.state, v.view, v.operation,"
                        + " v.created, v.updated FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],"
                        + " $6::text[], $7::text[], $8::text[], $9::text[], $10::bool[], $11::bool[], $12::text[], $13::text[],"
                        + " $14::text[], $15::uuid[], $16::timestamptz[], $17::timestamptz[]) AS v(id, machine_id, name,"
                        + " location, publisher, type, version, installed, settings, auto_minor, auto_upgrade, force_tag, state,"
                        + " view, operation, created, updated)")
                .execute(Tuple.from(List.of(
                        column(extensions, ExtensionRow::id, UUID[]::new),
                        column(extensions, ExtensionRow::machineId, String[]::new),
                        column(extensions, ExtensionRow::name, String[]::new),
                        column(extensions, ExtensionRow::location, String[]::new),
                        column(extensions, ExtensionRow::publisher, String[]::new),
                        column(extensions, ExtensionRow::type, String[]::new),
                        column(extensions, ExtensionRow::typeHandlerVersion, String[]::new),
                        column(extensions, ExtensionRow::installedVersion, String[]::new),
                        column(extensions, ExtensionRow::settings, String[]::new),
                        column(extensions, ExtensionRow::autoUpgradeMinorVersion, Boolean[]::new),
                        column(extensions, ExtensionRow::enableAutomaticUpgrade, Boolean[]::new),
                        column(extensions, ExtensionRow::forceUpdateTag, String[]::new),
                        column(extensions, ExtensionRow::provisioningState, String[]::new),
                        column(extensions, ExtensionRow::instanceView, String[]::new),
                        column(extensions, ExtensionRow::lastOperationId, UUID[]::new),
                        utc(extensions.stream().map(ExtensionRow::createdAt).toList()),
                        utc(extensions.stream().map(ExtensionRow::updatedAt).toList()))))
                .replaceWithVoid();
    }

    /** Publisher, type, name, machine and creation never change once stored. */
    private static Uni<Void> update(SqlClient client, List<ExtensionRow> extensions) {
        if (extensions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery("UPDATE extension e SET location = v.location, type_handler_version = v.version,"
                        + " installed_version = v.installed, settings = v.settings, auto_upgrade_minor_version = v.auto_minor,"
                        + " enable_automatic_upgrade = v.auto_upgrade, force_update_tag = v.force_tag,"
                        + " provisioning_state = v.state, last_operation_id = v.operation, updated_at = v.updated"
                        + " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::bool[],"
                        + " $8::text[], $9::text[], $10::uuid[], $11::timestamptz[]) AS v(id, location, version, installed,"
                        + " settings, auto_minor, auto_upgrade, force_tag, state, operation, updated) WHERE e.id = v.id")
                .execute(Tuple.from(List.of(
                        column(extensions, ExtensionRow::id, UUID[]::new),
                        column(extensions, ExtensionRow::location, String[]::new),
                        column(extensions, ExtensionRow::typeHandlerVersion, String[]::new),
                        column(extensions, ExtensionRow::installedVersion, String[]::new),
                        column(extensions, ExtensionRow::settings, String[]::new),
                        column(extensions, ExtensionRow::autoUpgradeMinorVersion, Boolean[]::new),
                        column(extensions, ExtensionRow::enableAutomaticUpgrade, Boolean[]::new),
                        column(extensions, ExtensionRow::forceUpdateTag, String[]::new),
                        column(extensions, ExtensionRow::provisioningState, String[]::new),
                        column(extensions, ExtensionRow::lastOperationId, UUID[]::new),
                        utc(extensions.stream().map(ExtensionRow::updatedAt).toList()))))
                .replaceWithVoid();
    }

    /**
     * Applies what results say, one statement for the batch. Only an extension's latest operation may set
     * its provisioning state and instance view (a late result of an older operation must not hide the one
     * in flight); any success records the version installed; a successful delete removes the extension
     * when it was the latest operation.
     */
    public Uni<Void> applyResults(SqlClient client, List<ResultChange> changes, Instant at) {
        // UPDATE ... FROM applies one arbitrary row per target: keep one change per extension, the last received.
        Map<UUID, ResultChange> lastPerExtension = new LinkedHashMap<>();
        changes.stream().filter(c -> !c.removes()).forEach(c -> lastPerExtension.put(c.extensionId(), c));
        List<ResultChange> updates = List.copyOf(lastPerExtension.values());
        List<ResultChange> deletes = changes.stream().filter(ResultChange::removes).toList();
        Uni<Void> updated = updates.isEmpty() ? Uni.createFrom().voidItem() : client.preparedQuery("UPDATE extension e SET"
                        + " provisioning_state = CASE WHEN e.last_operation_id = v.operation_id THEN v.state ELSE e.provisioning_state END,"
                        + " instance_view = CASE WHEN e.last_operation_id = v.operation_id THEN v.view ELSE e.instance_view END,"
                        + " installed_version = coalesce(v.installed_version, e.installed_version), updated_at = $6"
                        + " FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])"
                        + " AS v(extension_id, operation_id, state, view, installed_version)"
                        + " WHERE e.id = v.extension_id")
                .execute(Tuple.of(column(updates, ResultChange::extensionId, UUID[]::new),
                        column(updates, ResultChange::operationId, UUID[]::new),
                        column(updates, ResultChange::provisioningState, String[]::new),
                        column(updates, ResultChange::instanceView, String[]::new),
                        column(updates, ResultChange::installedVersion, String[]::new), utc(at)))
                .replaceWithVoid();
        return updated.chain(() -> deletes.isEmpty() ? Uni.createFrom().voidItem() : client.preparedQuery(
                        "DELETE FROM extension e USING unnest($1::uuid[], $2::uuid[]) AS v(extension_id, operation_id)"
                                + " WHERE e.id = v.extension_id AND e.last_operation_id = v.operation_id")
                .execute(Tuple.of(column(deletes, ResultChange::extensionId, UUID[]::new),
                        column(deletes, ResultChange::operationId, UUID[]::new)))
                .replaceWithVoid());
    }

    /**
     * The extensions in {@code provisioningState} on these machines, with their latest operation and machine:
     * one statement for a whole batch of machines (the name-key index's machine_id prefix). The rows are
     * locked, so a concurrent write either commits first (and the row no longer matches) or waits for us.
     */
    public Uni<List<Settled>> inStateOn(SqlClient client, Collection<String> machineIds, String provisioningState) {
        if (machineIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        int operationStart = ExtensionRow.COLUMNS.split(",").length;
        int machineStart = operationStart + OperationRow.COLUMNS.split(",").length;
        return client.preparedQuery("SELECT " + prefixed("e", ExtensionRow.COLUMNS) + ", " + prefixed("o", OperationRow.COLUMNS)
                        + ", " + prefixed("m", MachineRow.COLUMNS) + " FROM extension e"
                        + " JOIN operation o ON o.operation_id = e.last_operation_id"
                        + " JOIN machine m ON m.resource_id = e.machine_id"
                        + " WHERE e.machine_id = ANY($1) AND e.provisioning_state = $2 FOR UPDATE OF e")
                .execute(Tuple.of(machineIds.toArray(String[]::new), provisioningState))
                .map(rows -> list(rows, row -> new Settled(ExtensionRow.of(row), OperationRow.of(row, operationStart),
                        MachineRow.of(row, machineStart))));
    }

    public static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** {@code a, b} as {@code t.a, t.b} (a cast like {@code tags::text} stays with its column). */
    static String prefixed(String table, String columns) {
        StringBuilder out = new StringBuilder();
        for (String column : columns.split(",")) {
            out.append(out.length() == 0 ? "" : ", ").append(table).append('.').append(column.trim());
        }
        return out.toString();
    }

    static <T> List<T> list(RowSet<Row> rows, Function<Row, T> mapper) {
        List<T> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            out.add(mapper.apply(row));
        }
        return out;
    }
}
