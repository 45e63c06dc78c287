package dev.bulwark.agent.extension;

import dev.bulwark.model.ExtensionId;

import java.util.Set;

/**
 * Which extensions run as their own service. When the extension manager is disabled, the others (hosted by
 * the manager) stop, while these keep running; nothing is uninstalled either way. The verified package's
 * {@code HandlerManifest.json} says so ({@code ownService}); only records that predate package verification
 * fall back to the extensions known to run their own service.
 */
public final class ExtensionHosting {
    /** The Log Analytics agents run their own services (extensions-security.md, "Disabling the extension manager"). */
    private static final Set<ExtensionId> KNOWN_OWN_SERVICE = Set.of(
            ExtensionId.parse("Microsoft.EnterpriseCloud.Monitoring/MicrosoftMonitoringAgent"),
            ExtensionId.parse("Microsoft.EnterpriseCloud.Monitoring/OMSAgentForLinux"));

    private ExtensionHosting() {
    }

    /** Enabled, or Stopped when the manager is disabled and the extension is hosted by it. */
    public static String state(InstalledRecord record, boolean extensionManagerEnabled) {
        if (extensionManagerEnabled) {
            return "Enabled";
        }
        return ownService(record) ? "Enabled" : "Stopped";
    }

    public static boolean ownService(InstalledRecord record) {
        if (record.ownService() != null) {
            return record.ownService();
        }
        return KNOWN_OWN_SERVICE.contains(new ExtensionId(record.publisher(), record.type()));
    }
}
