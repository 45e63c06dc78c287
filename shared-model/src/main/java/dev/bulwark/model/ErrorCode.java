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
    /** The extension handler ran and failed. */
    ExtensionHandlerFailed,
    /** The operation names an extension the machine does not have (update, upgrade). */
    ExtensionNotInstalled,
    /** Guest configuration is off locally (or the agent is in monitor mode). */
    GuestConfigurationDisabled
}
