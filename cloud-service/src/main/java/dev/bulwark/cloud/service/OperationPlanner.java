package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.row.ExtensionRow;
import dev.bulwark.model.OperationKind;

/**
 * Decides what a write asks the machine to do, from what the machine last confirmed:
 * INSTALL while the extension was never installed (also after a blocked or failed install, so a retry
 * installs), UPGRADE when the version grows, UPDATE (reconfigure) at the same version. Protected settings
 * are never stored, so an unchanged-looking request still goes out as UPDATE: it may carry new secrets.
 */
public final class OperationPlanner {
    private OperationPlanner() {
    }

    public static OperationKind kindOfWrite(ExtensionRow existing, String publisher, String type, String version) {
        if (existing == null) {
            return OperationKind.INSTALL;
        }
        if (!existing.publisher().equalsIgnoreCase(publisher)) {
            throw fixedProperty("properties.publisher", existing.publisher());
        }
        if (!existing.type().equalsIgnoreCase(type)) {
            throw fixedProperty("properties.type", existing.type());
        }
        if (existing.installedVersion() == null) {
            return OperationKind.INSTALL;
        }
        int order = VersionOrder.INSTANCE.compare(version, existing.installedVersion());
        if (order < 0) {
            throw ApiException.invalidParameter("properties.typeHandlerVersion", "typeHandlerVersion '" + version
                    + "' is lower than the installed version '" + existing.installedVersion()
                    + "': downgrades are not supported; delete the extension and install the version you want.");
        }
        return order > 0 ? OperationKind.UPGRADE : OperationKind.UPDATE;
    }

    /** The provisioningState shown while an operation of {@code kind} is in flight. */
    public static String pendingState(OperationKind kind) {
        return switch (kind) {
            case INSTALL -> ProvisioningState.CREATING;
            case UPDATE, UPGRADE -> ProvisioningState.UPDATING;
            case DELETE -> ProvisioningState.DELETING;
        };
    }

    private static ApiException fixedProperty(String property, String current) {
        return new ApiException(ArmErrorCode.PropertyChangeNotAllowed, "Changing property '" + property
                + "' is not allowed: the extension exists with '" + current
                + "'. Delete it first, or use another extension name.", property);
    }
}
