package dev.bulwark.model;

/** A record that is not a valid message of its topic. Consumers dead-letter it with {@link #reason()}. */
public class MessageFormatException extends RuntimeException {
    private final DeadLetter.Reason reason;

    public MessageFormatException(DeadLetter.Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public MessageFormatException(DeadLetter.Reason reason, String message) {
        this(reason, message, null);
    }

    public DeadLetter.Reason reason() {
        return reason;
    }
}
