package dev.bulwark.model.policy;

import dev.bulwark.model.ErrorCode;

/**
 * The outcome of {@link ExtensionPolicy#decide}. {@code errorCode} is null when allowed. {@code rule} is a
 * short, stable id of the rule that decided (see {@link Rule}), for scripts; {@code message} is for people.
 */
public record Decision(boolean allowed, ErrorCode errorCode, String rule, String message) {

    /** The stable rule ids. Scripts match on them, so never rename one. */
    public static final class Rule {
        public static final String EXTENSION_MANAGER_DISABLED = "extension-manager-disabled";
        public static final String INVALID_CONFIG = "invalid-config";
        public static final String DELETE_ALWAYS_ALLOWED = "delete-always-allowed";
        public static final String BLOCKLIST = "blocklist";
        public static final String MONITOR_MODE = "monitor-mode";
        public static final String MONITOR_MODE_ALLOWLIST = "monitor-mode-allowlist";
        public static final String ALLOWLIST = "allowlist";
        public static final String ALLOW_NONE = "allow-none";
        public static final String NOT_IN_ALLOWLIST = "not-in-allowlist";
        public static final String NOT_IN_BLOCKLIST = "not-in-blocklist";
        public static final String NO_LISTS = "no-lists";

        private Rule() {
        }
    }

    static Decision allow(String rule, String message) {
        return new Decision(true, null, rule, message);
    }

    static Decision block(ErrorCode code, String rule, String message) {
        return new Decision(false, code, rule, message);
    }
}
