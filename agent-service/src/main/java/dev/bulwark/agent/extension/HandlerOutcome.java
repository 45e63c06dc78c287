package dev.bulwark.agent.extension;

/** How a handler run ended; {@code message} goes to the instance view. */
public record HandlerOutcome(boolean succeeded, String message) {
    public static HandlerOutcome succeeded(String message) {
        return new HandlerOutcome(true, message);
    }

    public static HandlerOutcome failed(String message) {
        return new HandlerOutcome(false, message);
    }
}
