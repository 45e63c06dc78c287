package dev.bulwark.agent.extension;

import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.InstanceView;

import java.util.List;

/**
 * How a handler run ended. {@code message} goes to the instance view; a failure says why with
 * {@code errorCode} ({@link ErrorCode#ExtensionHandlerFailed} unless the handler knows better, such as a
 * timeout); {@code substatuses} are what a real handler reported about itself (empty when none).
 */
public record HandlerOutcome(boolean succeeded, ErrorCode errorCode, String message, List<InstanceView.Status> substatuses) {

    public HandlerOutcome {
        substatuses = substatuses == null ? List.of() : List.copyOf(substatuses);
    }

    public static HandlerOutcome succeeded(String message) {
        return new HandlerOutcome(true, null, message, List.of());
    }

    public static HandlerOutcome failed(String message) {
        return failed(ErrorCode.ExtensionHandlerFailed, message);
    }

    public static HandlerOutcome failed(ErrorCode code, String message) {
        return new HandlerOutcome(false, code, message, List.of());
    }

    public HandlerOutcome withSubstatuses(List<InstanceView.Status> reported) {
        return new HandlerOutcome(succeeded, errorCode, message, reported);
    }
}
