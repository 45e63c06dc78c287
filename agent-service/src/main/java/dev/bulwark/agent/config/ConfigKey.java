package dev.bulwark.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Locale;
import java.util.Optional;

/** The local configuration keys, their defaults and meaning, spelled as {@code azcmagent} spells them. */
public enum ConfigKey {
    CONFIG_MODE("config.mode", ValueType.MODE, TextNode.valueOf("full"),
            "full allows all agent functionality; monitor allows only the built-in monitoring and security"
                    + " extensions and turns guest configuration and incoming connections off."),
    EXTENSIONS_ALLOWLIST("extensions.allowlist", ValueType.EXTENSION_LIST, emptyList(),
            "Extensions that may be installed, updated or upgraded; when set, every other extension is blocked."
                    + " Allow/None allows none. Ignored (but kept) in monitor mode."),
    EXTENSIONS_BLOCKLIST("extensions.blocklist", ValueType.EXTENSION_LIST, emptyList(),
            "Extensions that may never be installed, updated or upgraded, even when also on the allowlist."),
    EXTENSIONS_ENABLED("extensions.enabled", ValueType.BOOLEAN, BooleanNode.TRUE,
            "false disables the extension manager: every extension operation fails, delete included;"
                    + " installed extensions are kept (those hosted by the manager stop)."),
    EXTENSIONS_RUNASROOT("extensions.runasroot", ValueType.EXTENSION_LIST, emptyList(),
            "Extensions whose handlers run as root when the agent does; every other extension runs as its own"
                    + " unprivileged user (Bulwark's key; Arc runs every extension as root)."),
    EXTENSIONS_AGENT_CPULIMIT("extensions.agent.cpulimit", ValueType.PERCENT, IntNode.valueOf(5),
            "CPU share (percent of the machine) the extensions the manager runs may use together: a cgroup CPU quota"
                    + " where the agent can create cgroups (bulwark-agent show says which mechanism is in force)."),
    GUESTCONFIGURATION_ENABLED("guestconfiguration.enabled", ValueType.BOOLEAN, BooleanNode.TRUE,
            "false disables the guest configuration agent (always off in monitor mode)."),
    GUESTCONFIGURATION_AGENT_CPULIMIT("guestconfiguration.agent.cpulimit", ValueType.PERCENT, IntNode.valueOf(5),
            "CPU share (percent) the guest configuration agent may use."),
    INCOMINGCONNECTIONS_ENABLED("incomingconnections.enabled", ValueType.BOOLEAN, BooleanNode.TRUE,
            "false refuses remote connections through the agent (always off in monitor mode)."),
    INCOMINGCONNECTIONS_PORTS("incomingconnections.ports", ValueType.PORT_LIST, emptyList(),
            "Local ports remote connections may reach."),
    PROXY_URL("proxy.url", ValueType.URL, TextNode.valueOf(""),
            "Proxy server for the agent's connections to the cloud; empty means none."),
    PROXY_BYPASS("proxy.bypass", ValueType.STRING_LIST, emptyList(),
            "Destinations reached without the proxy.");

    private final String key;
    private final ValueType type;
    private final JsonNode defaultValue;
    private final String description;

    ConfigKey(String key, ValueType type, JsonNode defaultValue, String description) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public ValueType type() {
        return type;
    }

    public JsonNode defaultValue() {
        return defaultValue.deepCopy();
    }

    public String description() {
        return description;
    }

    /** The two lists that monitor mode locks. */
    public boolean isExtensionList() {
        return this == EXTENSIONS_ALLOWLIST || this == EXTENSIONS_BLOCKLIST;
    }

    public static Optional<ConfigKey> find(String key) {
        String wanted = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
        for (ConfigKey candidate : values()) {
            if (candidate.key.equals(wanted)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static ConfigKey require(String key) throws ConfigException {
        return find(key).orElseThrow(() -> ConfigException.unknownKey(key == null ? "" : key.trim()));
    }

    private static JsonNode emptyList() {
        return JsonNodeFactory.instance.arrayNode();
    }
}
