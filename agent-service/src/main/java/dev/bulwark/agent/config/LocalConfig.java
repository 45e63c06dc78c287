package dev.bulwark.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.AgentConfiguration;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.Json;
import dev.bulwark.model.policy.ConfigMode;
import dev.bulwark.model.policy.LocalRules;
import dev.bulwark.model.policy.MonitorModeAllowlist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One reading of localconfig.json: flat dotted keys, only those an administrator set (a missing key has
 * its default). A file that someone broke by hand is still represented: its problems are listed, the
 * rules derived from it fail closed, and keys that are fine can still be changed to repair it.
 */
public final class LocalConfig {
    public static final LocalConfig DEFAULTS = new LocalConfig(JsonNodeFactory.instance.objectNode(), null);

    /** The file as stored, or null when it is not a JSON object at all (then it cannot be edited, only replaced). */
    private final ObjectNode stored;
    private final Map<ConfigKey, JsonNode> values = new EnumMap<>(ConfigKey.class);
    private final List<String> problems = new ArrayList<>();

    private LocalConfig(ObjectNode stored, String unreadable) {
        this.stored = stored;
        if (unreadable != null) {
            problems.add(unreadable);
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = stored.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            ConfigKey key = ConfigKey.find(field.getKey()).filter(k -> k.key().equals(field.getKey())).orElse(null);
            if (key == null) {
                problems.add("unknown key '" + field.getKey() + "'");
                continue;
            }
            try {
                values.put(key, key.type().check(key.key(), field.getValue()));
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
        }
    }

    /** Parses the file's bytes; null bytes (no file) mean all defaults. */
    public static LocalConfig parse(byte[] bytes) {
        if (bytes == null) {
            return DEFAULTS;
        }
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return unreadable("the file is empty");
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(bytes);
            if (tree == null || !tree.isObject()) {
                return unreadable("the file is not a JSON object");
            }
            return new LocalConfig((ObjectNode) tree, null);
        } catch (IOException e) {
            String reason = String.valueOf(e.getMessage());
            int newline = reason.indexOf('\n');
            return unreadable("the file is not valid JSON: " + (newline < 0 ? reason : reason.substring(0, newline)));
        }
    }

    public static LocalConfig unreadable(String reason) {
        return new LocalConfig(null, reason);
    }

    public boolean isValid() {
        return problems.isEmpty();
    }

    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** False when the file is not a JSON object: it must be fixed or removed before keys can be set. */
    public boolean isEditable() {
        return stored != null;
    }

    /** The value in force for {@code key}: as set when valid, else the default. */
    public JsonNode value(ConfigKey key) {
        JsonNode value = values.get(key);
        return value == null ? key.defaultValue() : value;
    }

    /** The stored value when it is present but invalid (so the administrator sees what is there). */
    public JsonNode invalidStoredValue(ConfigKey key) {
        return stored != null && !values.containsKey(key) ? stored.get(key.key()) : null;
    }

    public boolean isSet(ConfigKey key) {
        return stored != null && stored.has(key.key());
    }

    public List<String> list(ConfigKey key) {
        List<String> entries = new ArrayList<>();
        value(key).forEach(entry -> entries.add(entry.asText()));
        return entries;
    }

    public boolean bool(ConfigKey key) {
        return value(key).asBoolean();
    }

    public ConfigMode mode() {
        return ConfigMode.parse(value(ConfigKey.CONFIG_MODE).asText());
    }

    /** The rules that decide extension operations; fail closed when anything in the file is wrong. */
    public LocalRules rules() {
        if (!isValid()) {
            // A file that says extensions.enabled=false keeps the manager off even when another key is broken.
            boolean enabled = !values.containsKey(ConfigKey.EXTENSIONS_ENABLED) || bool(ConfigKey.EXTENSIONS_ENABLED);
            return LocalRules.invalid(problemSummary(), enabled);
        }
        List<ExtensionId> allow = ids(ConfigKey.EXTENSIONS_ALLOWLIST);
        return LocalRules.of(allow.isEmpty() ? null : allow, ids(ConfigKey.EXTENSIONS_BLOCKLIST),
                bool(ConfigKey.EXTENSIONS_ENABLED), mode());
    }

    /** True when the administrator lets this extension's handler run as root; never when the file is invalid. */
    public boolean runsAsRoot(ExtensionId extension) {
        return isValid() && ids(ConfigKey.EXTENSIONS_RUNASROOT).contains(extension);
    }

    /** The extensions' CPU share in percent of the machine (the default when the file is invalid). */
    public int extensionCpuLimit() {
        JsonNode value = isValid() ? value(ConfigKey.EXTENSIONS_AGENT_CPULIMIT) : ConfigKey.EXTENSIONS_AGENT_CPULIMIT.defaultValue();
        return value.asInt();
    }

    public String problemSummary() {
        return problems.isEmpty() ? null : "localconfig.json: " + String.join("; ", problems);
    }

    /**
     * What the agent enforces, as reported to the cloud: monitor mode overrides the allowlist and two switches.
     *
     * @param changedAt when the file read here last changed (null: never written)
     */
    public AgentConfiguration effective(Instant changedAt) {
        boolean monitor = isValid() && mode() == ConfigMode.MONITOR;
        List<ExtensionId> allow = monitor ? MonitorModeAllowlist.EXTENSIONS : ids(ConfigKey.EXTENSIONS_ALLOWLIST);
        return new AgentConfiguration(allow, ids(ConfigKey.EXTENSIONS_BLOCKLIST), rules().extensionsEnabled(),
                !monitor && bool(ConfigKey.GUESTCONFIGURATION_ENABLED), mode().spelling(),
                !monitor && bool(ConfigKey.INCOMINGCONNECTIONS_ENABLED), list(ConfigKey.INCOMINGCONNECTIONS_PORTS),
                value(ConfigKey.PROXY_URL).asText(), list(ConfigKey.PROXY_BYPASS), problemSummary(), changedAt);
    }

    /** A copy with {@code key} set to an already validated value. */
    public LocalConfig with(ConfigKey key, JsonNode value) {
        ObjectNode next = ordered(stored);
        next.set(key.key(), value);
        return new LocalConfig(ordered(next), null);
    }

    /** A copy without {@code key} (back to its default); also removes an unknown key someone typed into the file. */
    public LocalConfig without(String key) {
        ObjectNode next = ordered(stored);
        next.remove(key);
        return new LocalConfig(next, null);
    }

    /** True when {@code key} is in the file, known or not. */
    public boolean contains(String key) {
        return stored != null && stored.has(key);
    }

    public byte[] toBytes() {
        try {
            return (Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(stored) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<ExtensionId> ids(ConfigKey key) {
        return list(key).stream().map(ExtensionId::parse).toList();
    }

    /** Known keys in their documented order, then anything else as it was. */
    private static ObjectNode ordered(ObjectNode source) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (ConfigKey key : ConfigKey.values()) {
            if (source.has(key.key())) {
                out.set(key.key(), source.get(key.key()));
            }
        }
        source.fields().forEachRemaining(field -> {
            if (!out.has(field.getKey())) {
                out.set(field.getKey(), field.getValue());
            }
        });
        return out;
    }
}
