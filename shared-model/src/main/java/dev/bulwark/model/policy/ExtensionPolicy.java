package dev.bulwark.model.policy;

import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.OperationKind;

import java.util.Objects;

/**
 * The one function that decides whether an extension operation may run on a machine, from the machine's
 * {@link LocalRules} alone. Pure: the agent, the CLI's {@code check-extension} and the tests all call it,
 * so what an administrator checks is what the agent enforces.
 *
 * <p>Order, most restrictive first: extension manager disabled (everything refused, delete included);
 * configuration invalid (fail closed, delete still allowed so unwanted extensions can be removed); delete
 * always allowed by the lists; blocklist (wins even over the allowlist); monitor mode (the built-in list
 * replaces the local allowlist); allowlist; no allowlist.
 */
public final class ExtensionPolicy {
    private static final String CLI = "bulwark-agent";

    private ExtensionPolicy() {
    }

    public static Decision decide(LocalRules rules, ExtensionId extension, OperationKind kind) {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(kind, "kind");
        String notProcessed = "Extension " + extension + " was not processed: ";

        if (!rules.extensionsEnabled()) {
            return Decision.block(ErrorCode.ExtensionManagerDisabled, Decision.Rule.EXTENSION_MANAGER_DISABLED,
                    notProcessed + "the extension manager is disabled on this machine (extensions.enabled is false)."
                            + " A local administrator can enable it with: " + CLI + " config set extensions.enabled true");
        }
        if (kind == OperationKind.DELETE) {
            return Decision.allow(Decision.Rule.DELETE_ALWAYS_ALLOWED, "Extension " + extension
                    + " may be deleted: delete is always allowed, whatever the local allowlist and blocklist say.");
        }
        if (!rules.isValid()) {
            return Decision.block(ErrorCode.LocalConfigurationInvalid, Decision.Rule.INVALID_CONFIG,
                    notProcessed + "this machine's local configuration is invalid (" + rules.invalidReason()
                            + "), so the agent refuses installs, updates and upgrades until it is fixed."
                            + " A local administrator can see the problem with: " + CLI + " config list");
        }
        if (rules.blocklist().contains(extension)) {
            return Decision.block(ErrorCode.ExtensionBlockedByBlocklist, Decision.Rule.BLOCKLIST,
                    notProcessed + "it is on this machine's local blocklist (extensions.blocklist)."
                            + " A local administrator can allow it with: " + CLI
                            + " config set extensions.blocklist --remove " + extension);
        }
        if (rules.mode() == ConfigMode.MONITOR) {
            if (MonitorModeAllowlist.contains(extension)) {
                return Decision.allow(Decision.Rule.MONITOR_MODE_ALLOWLIST, "Extension " + extension
                        + " is allowed: it is on the built-in monitor mode allowlist (version "
                        + MonitorModeAllowlist.VERSION + ").");
            }
            return Decision.block(ErrorCode.ExtensionBlockedByMonitorMode, Decision.Rule.MONITOR_MODE,
                    notProcessed + "the agent is in monitor mode (config.mode), which allows only the built-in"
                            + " monitoring and security extensions (list version " + MonitorModeAllowlist.VERSION
                            + "). A local administrator can leave monitor mode with: " + CLI
                            + " config set config.mode full");
        }
        if (rules.allowlist() != null) {
            if (!extension.equals(LocalRules.ALLOW_NONE) && rules.allowlist().contains(extension)) {
                return Decision.allow(Decision.Rule.ALLOWLIST, "Extension " + extension
                        + " is allowed: it is on this machine's local allowlist (extensions.allowlist).");
            }
            if (rules.allowsNone()) {
                return Decision.block(ErrorCode.ExtensionBlockedByAllowlist, Decision.Rule.ALLOW_NONE,
                        notProcessed + "this machine's local allowlist is Allow/None (extensions.allowlist), which"
                                + " allows no extension. A local administrator can allow it with: " + CLI
                                + " config set extensions.allowlist " + extension);
            }
            return Decision.block(ErrorCode.ExtensionBlockedByAllowlist, Decision.Rule.NOT_IN_ALLOWLIST,
                    notProcessed + "it is not on this machine's local allowlist (extensions.allowlist)."
                            + " A local administrator can allow it with: " + CLI
                            + " config set extensions.allowlist --add " + extension);
        }
        if (!rules.blocklist().isEmpty()) {
            return Decision.allow(Decision.Rule.NOT_IN_BLOCKLIST, "Extension " + extension
                    + " is allowed: no allowlist is configured and it is not on the local blocklist.");
        }
        return Decision.allow(Decision.Rule.NO_LISTS, "Extension " + extension
                + " is allowed: no allowlist or blocklist is configured on this machine.");
    }
}
