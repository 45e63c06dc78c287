package dev.bulwark.model;

/**
 * Error codes an agent puts in a failed {@link OperationResult}. Stable: scripts and alerts match on them.
 */
public enum ErrorCode {
    /** An allowlist is configured locally and the extension is not on it (includes {@code Allow/None}). */
    ExtensionBlockedByAllowlist,
    /** The extension is on the local blocklist. */
    ExtensionBlockedByBlocklist,
    /** The agent is in monitor mode and the extension is not on the built-in monitoring allowlist. */
    ExtensionBlockedByMonitorMode,
    /** {@code extensions.enabled} is false locally: the extension manager processes nothing. */
    ExtensionManagerDisabled,
    /** The local configuration file is unreadable or invalid: the agent fails closed. */
    LocalConfigurationInvalid,
    /** The package or its catalog failed verification; nothing of the package ran. */
    PackageVerificationFailed,
    /** The extension handler ran and failed (a command exited non-zero, or its status said error). */
    ExtensionHandlerFailed,
    /** A handler command ran past the agent's handler timeout and was killed with its process tree. */
    ExtensionHandlerTimedOut,
    /** The operation names an extension the machine does not have (update, upgrade). */
    ExtensionNotInstalled,
    /** Guest configuration is off locally (or the agent is in monitor mode). */
    GuestConfigurationDisabled,
    /**
     * The operation's sequence is not newer than the last one the machine ran: a replay, or an operation
     * delivered after a newer one. Nothing ran.
     */
    OperationReplayed,
    /** The operation was issued longer ago than the machine's freshness window allows. Nothing ran. */
    OperationExpired,
    /** The operation claims to be issued later than the machine's clock allows (beyond the clock-skew allowance). Nothing ran. */
    OperationNotYetValid,
    /**
     * An update, upgrade or delete names an installed extension but another publisher or type than the one
     * installed under that name. Nothing ran and nothing installed changed.
     */
    ExtensionIdentityMismatch,
    /**
     * The machine could not read or write its own files (state, vault, identity) for this operation, after a
     * few attempts: the operation failed on that machine alone; its other machines' host went on.
     */
    MachineStorageFailed,
    /**
     * Set by the cloud, not an agent: the operation could never be published (larger than the broker accepts),
     * so no machine received it. It was dead-lettered; the operations queued behind it went on.
     */
    OperationUndeliverable;

    /**
     * True for the refusals of a machine's local rules (lists, monitor mode, extension manager off): the
     * machine exercising its administrator's choice, which rollouts count as Blocked rather than Failed.
     */
    public boolean isLocalRule() {
        return this == ExtensionBlockedByAllowlist || this == ExtensionBlockedByBlocklist
                || this == ExtensionBlockedByMonitorMode || this == ExtensionManagerDisabled;
    }

    /** A refusal {@link dev.bulwark.model.policy.ExtensionPolicy#decide} can make: the local rules', or failing closed. */
    public boolean isPolicyRefusal() {
        return isLocalRule() || this == LocalConfigurationInvalid;
    }

    /** The code as it travels in a result, or null when it is absent or not one of these. */
    public static ErrorCode parse(String code) {
        if (code != null) {
            for (ErrorCode known : values()) {
                if (known.name().equals(code)) {
                    return known;
                }
            }
        }
        return null;
    }
}
