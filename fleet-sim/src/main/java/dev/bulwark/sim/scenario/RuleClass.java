package dev.bulwark.sim.scenario;

import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.policy.ConfigMode;
import dev.bulwark.model.policy.LocalRules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kinds of local rules a simulated machine's administrator may have set, named as a scenario file names
 * them. Each gives the settings the fleet writes with the agent's own configuration store, and, separately,
 * the rules the oracle decides with: the two are derived independently so a bug in how the agent reads its
 * configuration shows up as a wrong outcome.
 */
public enum RuleClass {
    /** Nothing configured: every extension is allowed. */
    noLists,
    /** An allowlist that names the scenario's extension. */
    allowlistWithIt,
    /** An allowlist that names only another extension. */
    allowlistWithoutIt,
    /** A blocklist that names the scenario's extension. */
    blocklist,
    /** {@code Allow/None}: the extension manager runs, allows nothing. */
    allowNone,
    /** Monitor mode: only the built-in monitoring and security list. */
    monitorMode,
    /** {@code extensions.enabled false}: the extension manager processes nothing. */
    managerDisabled;

    static final ExtensionId OTHER = ExtensionId.parse("Microsoft.Azure.Monitor/AzureMonitorLinuxAgent");

    /** The local settings a local administrator would set, as {@code bulwark-agent config set KEY VALUE} pairs. */
    public Map<String, String> settings(ExtensionId extension) {
        Map<String, String> settings = new LinkedHashMap<>();
        switch (this) {
            case noLists -> { }
            case allowlistWithIt -> settings.put("extensions.allowlist", extension + "," + OTHER);
            case allowlistWithoutIt -> settings.put("extensions.allowlist", OTHER.toString());
            case blocklist -> settings.put("extensions.blocklist", extension.toString());
            case allowNone -> settings.put("extensions.allowlist", "Allow/None");
            case monitorMode -> settings.put("config.mode", "monitor");
            case managerDisabled -> settings.put("extensions.enabled", "false");
        }
        return settings;
    }

    /** The rules these settings mean, written out for the oracle (DESIGN.md's decision table). */
    public LocalRules rules(ExtensionId extension) {
        return switch (this) {
            case noLists -> LocalRules.DEFAULT;
            case allowlistWithIt -> LocalRules.of(List.of(extension, OTHER), Set.of(), true, ConfigMode.FULL);
            case allowlistWithoutIt -> LocalRules.of(List.of(OTHER), Set.of(), true, ConfigMode.FULL);
            case blocklist -> LocalRules.of(null, List.of(extension), true, ConfigMode.FULL);
            case allowNone -> LocalRules.of(List.of(LocalRules.ALLOW_NONE), Set.of(), true, ConfigMode.FULL);
            case monitorMode -> LocalRules.of(null, Set.of(), true, ConfigMode.MONITOR);
            case managerDisabled -> LocalRules.of(null, Set.of(), false, ConfigMode.FULL);
        };
    }
}
