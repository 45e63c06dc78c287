package dev.bulwark.cloud.service.rollout;

/**
 * Why the cloud did not send a rollout's operation to a machine (its state is then Skipped, and this is its
 * errorCode). Scripts match on these names: keep them stable.
 */
public enum SkipReason {
    /** Update, upgrade or delete, and the machine has no extension of that name. */
    ExtensionNotFound,
    /** An update, and the extension was never installed on the machine (nothing to reconfigure). */
    NotInstalled,
    /** The machine has an extension of that name with another publisher or type. */
    PropertyChangeNotAllowed,
    /** The machine has a higher version installed; delete the extension first to go back. */
    DowngradeNotAllowed,
    /** An upgrade, and the machine already runs that version. */
    AlreadyAtVersion,
    /** The machine was deregistered after the rollout was accepted. */
    MachineNotFound,
    /** The rollout was canceled before the machine's stage reached it. */
    Canceled,
    /** An earlier stage passed its failure threshold, so the rollout stopped before this machine's stage. */
    Halted
}
