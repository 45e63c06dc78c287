package dev.bulwark.agent.cli;

/** A command that cannot do what was asked; the message is for the administrator, the code for scripts. */
public final class CliException extends RuntimeException {
    private final int exitCode;
    private final String code;

    public CliException(int exitCode, String code, String message) {
        super(message);
        this.exitCode = exitCode;
        this.code = code;
    }

    public static CliException usage(String code, String message) {
        return new CliException(ExitCodes.USAGE, code, message);
    }

    public static CliException failed(String code, String message) {
        return new CliException(ExitCodes.FAILED, code, message);
    }

    public int exitCode() {
        return exitCode;
    }

    public String code() {
        return code;
    }
}
