package dev.bulwark.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bulwark.model.policy.ConfigMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One change an administrator asks for ({@code config set} or {@code config clear}), checked against the
 * configuration it applies to. Every check happens before anything is written, so a refused change
 * leaves the file byte for byte as it was.
 */
public final class ConfigEdit {

    /** How {@code set} treats a list: replace it, or add/remove the given entries. */
    public enum ListChange { REPLACE, ADD, REMOVE }

    private static final String LEAVE_MONITOR = "bulwark-agent config set config.mode full";

    private ConfigEdit() {
    }

    /** The configuration after {@code config set KEY VALUE [--add|--remove]}. */
    public static LocalConfig set(LocalConfig current, String keyName, String text, ListChange change)
            throws ConfigException {
        ConfigKey key = ConfigKey.require(keyName);
        if (change != ListChange.REPLACE && !key.type().isList()) {
            throw new ConfigException("InvalidArgument", true, "--add and --remove apply only to lists; "
                    + key.key() + " is " + key.type().accepted() + ". Use: bulwark-agent config set " + key.key() + " VALUE");
        }
        requireEditable(current, key);
        refuseListChangeInMonitorMode(current, key);
        JsonNode parsed = key.type().parse(key.key(), text);
        if (change == ListChange.REPLACE) {
            return current.with(key, parsed);
        }
        if (current.invalidStoredValue(key) != null) {
            throw new ConfigException("LocalConfigurationInvalid", false, "The stored value of " + key.key()
                    + " is invalid, so entries cannot be added to or removed from it. Replace the whole list with:"
                    + " bulwark-agent config set " + key.key() + " VALUE");
        }
        List<String> entries = new ArrayList<>(current.list(key));
        for (JsonNode node : parsed) {
            String entry = node.asText();
            if (change == ListChange.ADD) {
                entries.add(entry);
            } else {
                entries.removeIf(existing -> sameEntry(key, existing, entry));
            }
        }
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        key.type().normalizeEntries(key.key(), entries).forEach(array::add);
        return current.with(key, array);
    }

    /** The configuration after {@code config clear KEY}: the key goes back to its default. */
    public static LocalConfig clear(LocalConfig current, String keyName) throws ConfigException {
        ConfigKey key = ConfigKey.find(keyName).orElse(null);
        if (key == null) {
            // A key typed into the file by hand is unknown, and clearing it is how it gets repaired.
            if (current.contains(keyName.trim())) {
                return current.without(keyName.trim());
            }
            throw ConfigException.unknownKey(keyName);
        }
        requireEditable(current, key);
        refuseListChangeInMonitorMode(current, key);
        return current.without(key.key());
    }

    /** Entries of {@code requested} that {@code --remove} would not find (so the CLI can say so). */
    public static List<String> missingEntries(LocalConfig current, String keyName, String text) {
        ConfigKey key = ConfigKey.find(keyName).orElse(null);
        if (key == null || !key.type().isList()) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        for (String entry : ValueType.splitList(text)) {
            if (current.list(key).stream().noneMatch(existing -> sameEntry(key, existing, entry))) {
                missing.add(entry);
            }
        }
        return missing;
    }

    private static boolean sameEntry(ConfigKey key, String a, String b) {
        return key.type() == ValueType.EXTENSION_LIST
                ? normalExtension(a).equals(normalExtension(b))
                : a.trim().equals(b.trim());
    }

    private static String normalExtension(String entry) {
        String[] parts = entry.split("/", -1);
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            out.append(out.length() == 0 ? "" : "/").append(part.trim());
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    private static void requireEditable(LocalConfig current, ConfigKey key) throws ConfigException {
        if (!current.isEditable()) {
            throw new ConfigException("LocalConfigurationInvalid", false, "Cannot change " + key.key()
                    + ": the local configuration file cannot be read (" + String.join("; ", current.problems())
                    + "). Fix the file by hand, or delete it to return to the defaults.");
        }
    }

    private static void refuseListChangeInMonitorMode(LocalConfig current, ConfigKey key) throws ConfigException {
        if (key.isExtensionList() && current.isValid() && current.mode() == ConfigMode.MONITOR) {
            throw new ConfigException("ConfigurationLockedByMonitorMode", false, "Cannot change " + key.key()
                    + " while the agent is in monitor mode: monitor mode uses the built-in allowlist of monitoring"
                    + " and security extensions and locks both lists. To change either list, first leave monitor mode with: "
                    + LEAVE_MONITOR + " (your own lists are kept and apply again).");
        }
    }
}
