package dev.bulwark.model.catalog;

/** A refused catalog or package: the {@link VerificationFailure reason} plus a message naming the file or entry. */
public class VerificationException extends Exception {
    private final VerificationFailure reason;

    public VerificationException(VerificationFailure reason, String message) {
        this(reason, message, null);
    }

    public VerificationException(VerificationFailure reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public VerificationFailure reason() {
        return reason;
    }
}
