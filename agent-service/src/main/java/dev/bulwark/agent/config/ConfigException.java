package dev.bulwark.agent.config;

/**
 * A configuration change or read that cannot be done, with a message that names the key or entry at fault.
 * {@link #code()} is a stable id for scripts ({@code --json}); {@link #isInputError()} separates a bad
 * command line (exit 2) from a refusal (exit 1).
 */
public class ConfigException extends Exception {
    private final String code;
    private final boolean inputError;

    public ConfigException(String code, boolean inputError, String message) {
        super(message);
        this.code = code;
        this.inputError = inputError;
    }

    public static ConfigException invalidValue(String message) {
        return new ConfigException("InvalidConfigurationValue", true, message);
    }

    public static ConfigException unknownKey(String key) {
        return new ConfigException("InvalidConfigurationKey", true, "Unknown configuration key '" + key
                + "'. Run 'bulwark-agent config info' to see the keys.");
    }

    public String code() {
        return code;
    }

    public boolean isInputError() {
        return inputError;
    }
}
