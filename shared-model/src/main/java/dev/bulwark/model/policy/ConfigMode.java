package dev.bulwark.model.policy;

import java.util.Locale;

/**
 * The agent's mode ({@code config.mode}). FULL allows all agent functionality; MONITOR replaces the
 * allowlist with the built-in {@link MonitorModeAllowlist} and turns guest configuration and incoming
 * connections off.
 */
public enum ConfigMode {
    FULL, MONITOR;

    /** How the mode is written in the local configuration and on the command line. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code full} or {@code monitor} (any case, surrounding whitespace ignored). */
    public static ConfigMode parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (ConfigMode mode : values()) {
            if (mode.spelling().equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("'" + (text == null ? "" : text.trim()) + "' is not a mode: use full or monitor");
    }
}
