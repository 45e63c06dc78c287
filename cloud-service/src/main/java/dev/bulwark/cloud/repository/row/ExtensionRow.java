package dev.bulwark.cloud.repository.row;

import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.util.UUID;

import static dev.bulwark.cloud.repository.Sql.instant;

/**
 * The desired state of one extension on one machine, and what the latest result said about it.
 *
 * @param installedVersion the version an agent last confirmed installed; null while never installed
 * @param settings         public settings, JSON text
 * @param instanceView     InstanceView JSON from the latest result
 * @param lastOperationId  only this operation's result may change the provisioning state
 * @param updatedAt        null for an extension never stored yet
 */
public record ExtensionRow(UUID id, String machineId, String name, String location, String publisher, String type,
                           String typeHandlerVersion, String installedVersion, String settings,
                           boolean autoUpgradeMinorVersion, boolean enableAutomaticUpgrade, String forceUpdateTag,
                           String provisioningState, String instanceView, UUID lastOperationId, Instant createdAt,
                           Instant updatedAt) {

    public static final String COLUMNS = "id, machine_id, name, location, publisher, type, type_handler_version,"
            + " installed_version, settings, auto_upgrade_minor_version, enable_automatic_upgrade, force_update_tag,"
            + " provisioning_state, instance_view, last_operation_id, created_at, updated_at";

    public static ExtensionRow of(Row row) {
        return of(row, 0);
    }

    /** The columns of {@link #COLUMNS} read from {@code first} on (a join may put others before them). */
    public static ExtensionRow of(Row row, int first) {
        if (row.getValue(first) == null) {
            return null; // an outer join found no extension
        }
        int i = first;
        return new ExtensionRow(row.getUUID(i), row.getString(i + 1), row.getString(i + 2), row.getString(i + 3),
                row.getString(i + 4), row.getString(i + 5), row.getString(i + 6), row.getString(i + 7),
                row.getString(i + 8), row.getBoolean(i + 9), row.getBoolean(i + 10), row.getString(i + 11),
                row.getString(i + 12), row.getString(i + 13), row.getUUID(i + 14), instant(row, i + 15),
                instant(row, i + 16));
    }

    /** The same extension, with the desired state an operation asks for. */
    public ExtensionRow desired(String typeHandlerVersion, String settings, boolean autoUpgradeMinorVersion,
                                boolean enableAutomaticUpgrade, String forceUpdateTag, String location) {
        return new ExtensionRow(id, machineId, name, location, publisher, type, typeHandlerVersion, installedVersion,
                settings, autoUpgradeMinorVersion, enableAutomaticUpgrade, forceUpdateTag, provisioningState, instanceView,
                lastOperationId, createdAt, updatedAt);
    }

    /** The same extension, as an operation in flight leaves it. */
    public ExtensionRow inFlight(UUID operationId, String pendingState, Instant at) {
        return new ExtensionRow(id, machineId, name, location, publisher, type, typeHandlerVersion, installedVersion,
                settings, autoUpgradeMinorVersion, enableAutomaticUpgrade, forceUpdateTag, pendingState, instanceView,
                operationId, createdAt, at);
    }

    /** The same extension, as if never installed (the machine reported it missing). */
    public ExtensionRow notInstalled() {
        return new ExtensionRow(id, machineId, name, location, publisher, type, typeHandlerVersion, null, settings,
                autoUpgradeMinorVersion, enableAutomaticUpgrade, forceUpdateTag, provisioningState, instanceView,
                lastOperationId, createdAt, updatedAt);
    }
}
