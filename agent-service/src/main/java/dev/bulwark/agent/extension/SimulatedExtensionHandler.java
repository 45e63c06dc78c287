package dev.bulwark.agent.extension;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A handler that does no work but takes {@code duration}, on a timer rather than a sleeping thread, so
 * 100,000 simulated installs in flight cost no threads. A public setting {@code "simulateFailure": "text"}
 * makes it fail with that text (for demos and tests of the failure path).
 */
public final class SimulatedExtensionHandler implements ExtensionHandler {
    public static final String FAILURE_SETTING = "simulateFailure";

    private final Duration duration;
    private final ScheduledExecutorService timer;
    private final Executor continueOn;

    public SimulatedExtensionHandler(Duration duration, ScheduledExecutorService timer, Executor continueOn) {
        this.duration = duration;
        this.timer = timer;
        this.continueOn = continueOn;
    }

    @Override
    public CompletableFuture<HandlerOutcome> run(HandlerInvocation invocation) {
        HandlerOutcome outcome = outcomeOf(invocation);
        if (duration.isZero() || duration.isNegative()) {
            return CompletableFuture.completedFuture(outcome);
        }
        CompletableFuture<HandlerOutcome> done = new CompletableFuture<>();
        timer.schedule(() -> continueOn.execute(() -> done.complete(outcome)), duration.toNanos(), TimeUnit.NANOSECONDS);
        return done;
    }

    private static HandlerOutcome outcomeOf(HandlerInvocation invocation) {
        JsonNode failure = invocation.extension().settings() == null ? null
                : invocation.extension().settings().get(FAILURE_SETTING);
        if (failure != null && failure.isTextual()) {
            return HandlerOutcome.failed(failure.textValue());
        }
        String verb = switch (invocation.kind()) {
            case INSTALL -> "Install and enable";
            case UPDATE -> "Update (new settings)";
            case UPGRADE -> "Upgrade";
            case DELETE -> "Disable and uninstall";
        };
        return HandlerOutcome.succeeded(verb + " succeeded");
    }
}
