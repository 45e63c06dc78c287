package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** How configuration values look in text output: lists as {@code [a, b]}, the rest as typed. */
final class ConfigFormat {
    static final int KEY_WIDTH = 34;

    private ConfigFormat() {
    }

    static String value(JsonNode value) {
        if (value == null) {
            return "";
        }
        if (value.isArray()) {
            List<String> entries = new ArrayList<>();
            value.forEach(entry -> entries.add(entry.asText()));
            return "[" + String.join(", ", entries) + "]";
        }
        return value.asText();
    }

    static String line(String key, String value) {
        return "  " + pad(key) + " : " + value;
    }

    static String pad(String key) {
        return key.length() >= KEY_WIDTH ? key : key + " ".repeat(KEY_WIDTH - key.length());
    }
}
