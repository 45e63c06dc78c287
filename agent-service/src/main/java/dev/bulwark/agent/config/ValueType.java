package dev.bulwark.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.policy.ConfigMode;
import dev.bulwark.model.policy.LocalRules;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The kinds of value a configuration key holds: how the text typed on the command line becomes the JSON
 * stored in localconfig.json, and how a stored value is checked when the file is read (someone may have
 * edited it by hand). Errors name the key and the offending entry.
 */
public enum ValueType {
    BOOLEAN("true or false", false),
    MODE("full or monitor", false),
    PERCENT("a whole number from 1 to 100", false),
    URL("an http:// or https:// URL, or an empty string", false),
    EXTENSION_LIST("a comma-separated list of Publisher/Type", true),
    PORT_LIST("a comma-separated list of TCP ports (1-65535)", true),
    STRING_LIST("a comma-separated list", true);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Quotes that wrap values copied from documents: the seed's own example uses curly quotes. */
    private static final String QUOTES = "\"'\u201C\u201D\u2018\u2019";

    private final String accepted;
    private final boolean list;

    ValueType(String accepted, boolean list) {
        this.accepted = accepted;
        this.list = list;
    }

    public String accepted() {
        return accepted;
    }

    public boolean isList() {
        return list;
    }

    /** Parses what an administrator typed. */
    public JsonNode parse(String key, String text) throws ConfigException {
        String value = unquote(text == null ? "" : text);
        return switch (this) {
            case BOOLEAN -> switch (value.toLowerCase(Locale.ROOT)) {
                case "true" -> BooleanNode.TRUE;
                case "false" -> BooleanNode.FALSE;
                default -> throw invalid(key, value);
            };
            case MODE -> {
                try {
                    yield TextNode.valueOf(ConfigMode.parse(value).spelling());
                } catch (IllegalArgumentException e) {
                    throw invalid(key, value);
                }
            }
            case PERCENT -> IntNode.valueOf(percent(key, value));
            case URL -> TextNode.valueOf(url(key, value));
            case EXTENSION_LIST, PORT_LIST, STRING_LIST -> toArray(normalizeEntries(key, splitList(value)));
        };
    }

    /** Checks a value read from the file; returns it normalized, or throws naming what is wrong. */
    public JsonNode check(String key, JsonNode stored) throws ConfigException {
        switch (this) {
            case BOOLEAN -> {
                if (!stored.isBoolean()) {
                    throw new ConfigException("InvalidConfigurationValue", false, key + " must be true or false, found " + stored);
                }
                return stored;
            }
            case PERCENT -> {
                if (!stored.canConvertToInt()) {
                    throw new ConfigException("InvalidConfigurationValue", false, key + " must be a number, found " + stored);
                }
                return IntNode.valueOf(percent(key, String.valueOf(stored.asInt())));
            }
            case MODE, URL -> {
                if (!stored.isTextual()) {
                    throw new ConfigException("InvalidConfigurationValue", false, key + " must be a string, found " + stored);
                }
                return parse(key, stored.textValue());
            }
            default -> {
                if (!stored.isArray()) {
                    throw new ConfigException("InvalidConfigurationValue", false, key + " must be a list, found " + stored);
                }
                List<String> entries = new ArrayList<>();
                for (JsonNode entry : stored) {
                    if (!entry.isTextual()) {
                        throw new ConfigException("InvalidConfigurationValue", false,
                                key + " must hold strings, found " + entry);
                    }
                    entries.add(entry.textValue());
                }
                return toArray(normalizeEntries(key, entries));
            }
        }
    }

    /** Splits a list as typed: commas separate entries, whitespace and quotes around entries are dropped. */
    public static List<String> splitList(String text) {
        List<String> entries = new ArrayList<>();
        for (String part : unquote(text).split(",", -1)) {
            String entry = unquote(part);
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** Normalizes list entries and drops duplicates (case-insensitive for extensions), keeping the first spelling. */
    public List<String> normalizeEntries(String key, List<String> entries) throws ConfigException {
        Map<String, String> unique = new LinkedHashMap<>();
        for (String raw : entries) {
            String entry = unquote(raw);
            switch (this) {
                case EXTENSION_LIST -> {
                    ExtensionId id = extension(key, entry);
                    unique.putIfAbsent(id.key(), id.toString());
                }
                case PORT_LIST -> unique.putIfAbsent(String.valueOf(port(key, entry)), String.valueOf(port(key, entry)));
                default -> {
                    if (entry.isEmpty()) {
                        throw ConfigException.invalidValue("Invalid entry in " + key + ": an empty entry");
                    }
                    unique.putIfAbsent(entry, entry);
                }
            }
        }
        return List.copyOf(unique.values());
    }

    private static ExtensionId extension(String key, String entry) throws ConfigException {
        ExtensionId id;
        try {
            id = ExtensionId.parse(entry);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalidValue("Invalid entry in " + key + ": " + e.getMessage());
        }
        if (id.equals(LocalRules.ALLOW_NONE) && !key.equals(ConfigKey.EXTENSIONS_ALLOWLIST.key())) {
            throw ConfigException.invalidValue("Invalid entry in " + key + ": 'Allow/None' only has a meaning in "
                    + ConfigKey.EXTENSIONS_ALLOWLIST.key());
        }
        return id;
    }

    private static int port(String key, String entry) throws ConfigException {
        try {
            int port = Integer.parseInt(entry.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ConfigException.invalidValue("Invalid entry in " + key + ": '" + entry + "' is not a TCP port (1-65535)");
    }

    private static int percent(String key, String value) throws ConfigException {
        try {
            int percent = Integer.parseInt(value.trim());
            if (percent >= 1 && percent <= 100) {
                return percent;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, value, PERCENT);
    }

    private static String url(String key, String value) throws ConfigException {
        if (value.isEmpty()) {
            return value;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return value;
            }
        } catch (java.net.URISyntaxException ignored) {
            // reported below
        }
        throw invalid(key, value, URL);
    }

    private ConfigException invalid(String key, String value) {
        return invalid(key, value, this);
    }

    private static ConfigException invalid(String key, String value, ValueType type) {
        return ConfigException.invalidValue("Invalid value '" + value + "' for " + key + ": expected " + type.accepted());
    }

    private static ArrayNode toArray(List<String> entries) {
        ArrayNode array = NODES.arrayNode();
        entries.forEach(array::add);
        return array;
    }

    static String unquote(String text) {
        String value = text.strip();
        while (value.length() > 0 && QUOTES.indexOf(value.charAt(0)) >= 0) {
            value = value.substring(1).strip();
        }
        while (value.length() > 0 && QUOTES.indexOf(value.charAt(value.length() - 1)) >= 0) {
            value = value.substring(0, value.length() - 1).strip();
        }
        return value;
    }
}
