package dev.bulwark.agent.cli;

/** The CLI's exit codes: scripts depend on them. */
public final class ExitCodes {
    /** Done; for {@code check-extension}: allowed. */
    public static final int OK = 0;
    /** Refused or failed; for {@code check-extension}: blocked. */
    public static final int FAILED = 1;
    /** The command line or a value on it is wrong. */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
