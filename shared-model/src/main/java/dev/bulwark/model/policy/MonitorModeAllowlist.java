package dev.bulwark.model.policy;

import dev.bulwark.model.ExtensionId;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The built-in allowlist of monitoring and security extensions that monitor mode uses instead of the
 * local allowlist. Like Arc's, it is maintained by the vendor and ships with the agent: only a new agent
 * release changes it, never a message from the cloud. Bump {@link #VERSION} whenever the list changes,
 * so reports and {@code config list} say which list a machine enforces.
 */
public final class MonitorModeAllowlist {
    public static final String VERSION = "2024.06-1";

    /** In the order shown to people; lookups ignore case. */
    public static final List<ExtensionId> EXTENSIONS = List.of(
            ExtensionId.parse("Microsoft.Azure.Monitor/AzureMonitorLinuxAgent"),
            ExtensionId.parse("Microsoft.Azure.Monitor/AzureMonitorWindowsAgent"),
            ExtensionId.parse("Microsoft.Azure.AzureDefenderForServers/MDE.Linux"),
            ExtensionId.parse("Microsoft.Azure.AzureDefenderForServers/MDE.Windows"),
            ExtensionId.parse("Qualys/LinuxAgent.AzureSecurityCenter"),
            ExtensionId.parse("Qualys/WindowsAgent.AzureSecurityCenter"),
            ExtensionId.parse("Microsoft.Azure.Monitoring.DependencyAgent/DependencyAgentLinux"),
            ExtensionId.parse("Microsoft.Azure.Monitoring.DependencyAgent/DependencyAgentWindows"),
            ExtensionId.parse("Microsoft.Azure.ChangeTrackingAndInventory/ChangeTracking-Linux"),
            ExtensionId.parse("Microsoft.Azure.ChangeTrackingAndInventory/ChangeTracking-Windows"));

    private static final Set<ExtensionId> LOOKUP = Set.copyOf(new LinkedHashSet<>(EXTENSIONS));

    private MonitorModeAllowlist() {
    }

    public static boolean contains(ExtensionId id) {
        return LOOKUP.contains(id);
    }
}
