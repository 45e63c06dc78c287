package dev.bulwark.model.policy;

import dev.bulwark.model.AgentConfiguration;
import dev.bulwark.model.ExtensionId;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The part of a machine's local configuration that decides extension operations. Only a local
 * administrator sets it; nothing from the cloud reaches it.
 *
 * @param allowlist         null when no allowlist is configured, else a non-empty set ({@link #ALLOW_NONE}
 *                          is an entry that matches nothing); matching ignores case
 * @param blocklist         never null, empty when none is configured
 * @param extensionsEnabled false: the extension manager processes nothing, delete included
 * @param mode              FULL, or MONITOR (the built-in allowlist replaces {@code allowlist})
 * @param invalidReason     null when the configuration was read cleanly; otherwise what is wrong with it,
 *                          and the agent fails closed (installs, updates and upgrades are refused)
 */
public record LocalRules(Set<ExtensionId> allowlist, Set<ExtensionId> blocklist, boolean extensionsEnabled,
                         ConfigMode mode, String invalidReason) {

    /** Arc's special allowlist value: keep the extension manager running but allow no extension. */
    public static final ExtensionId ALLOW_NONE = new ExtensionId("Allow", "None");

    /** Nothing configured: every extension is allowed. */
    public static final LocalRules DEFAULT = new LocalRules(null, Set.of(), true, ConfigMode.FULL, null);

    public LocalRules {
        allowlist = allowlist == null || allowlist.isEmpty() ? null : Set.copyOf(allowlist);
        blocklist = blocklist == null ? Set.of() : Set.copyOf(blocklist);
        Objects.requireNonNull(mode, "mode");
        invalidReason = invalidReason == null || invalidReason.isBlank() ? null : invalidReason;
    }

    public static LocalRules of(Collection<ExtensionId> allowlist, Collection<ExtensionId> blocklist,
                                boolean extensionsEnabled, ConfigMode mode) {
        return new LocalRules(allowlist == null ? null : Set.copyOf(allowlist),
                blocklist == null ? Set.of() : Set.copyOf(blocklist), extensionsEnabled, mode, null);
    }

    /**
     * A configuration that could not be read. {@code extensionsEnabled} is kept when it could be read as
     * false, so a broken file never switches a disabled extension manager back on.
     */
    public static LocalRules invalid(String reason, boolean extensionsEnabled) {
        return new LocalRules(null, Set.of(), extensionsEnabled, ConfigMode.FULL,
                Objects.requireNonNull(reason, "reason"));
    }

    /**
     * The rules a machine reported ({@code properties.agentConfiguration}), for predicting its decisions in
     * the cloud with the same {@link ExtensionPolicy#decide}. In monitor mode the reported allowlist is the
     * built-in one, which {@code decide} applies by itself.
     */
    public static LocalRules reported(AgentConfiguration configuration) {
        if (configuration.configurationError() != null) {
            return invalid(configuration.configurationError(), configuration.extensionsEnabled());
        }
        ConfigMode mode = configuration.configMode() == null ? ConfigMode.FULL : ConfigMode.parse(configuration.configMode());
        List<ExtensionId> allowlist = mode == ConfigMode.MONITOR ? null : configuration.extensionsAllowList();
        return of(allowlist, configuration.extensionsBlockList(), configuration.extensionsEnabled(), mode);
    }

    public boolean isValid() {
        return invalidReason == null;
    }

    /** True when an allowlist is configured and Allow/None is all it holds. */
    public boolean allowsNone() {
        return allowlist != null && allowlist.size() == 1 && allowlist.contains(ALLOW_NONE);
    }

    /** The allowlist in force: the built-in list in monitor mode, else the local one (null: none). */
    public Collection<ExtensionId> effectiveAllowlist() {
        return mode == ConfigMode.MONITOR ? List.copyOf(MonitorModeAllowlist.EXTENSIONS) : allowlist;
    }
}
