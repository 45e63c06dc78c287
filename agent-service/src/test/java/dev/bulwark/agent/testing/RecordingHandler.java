package dev.bulwark.agent.testing;

import dev.bulwark.agent.extension.ExtensionHandler;
import dev.bulwark.agent.extension.HandlerInvocation;
import dev.bulwark.agent.extension.HandlerOutcome;

import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An extension handler that remembers what it was given (by operation id) and whether the package folder
 * held a handler manifest when it ran, so a test can tell that a handler saw the verified folder, or that
 * no handler ran at all. Every run succeeds.
 */
public final class RecordingHandler implements ExtensionHandler {
    /** One run: the invocation, and whether {@code packageDir/HandlerManifest.json} existed at that moment. */
    public record Run(HandlerInvocation invocation, boolean manifestPresent) {
    }

    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final AtomicInteger invocations = new AtomicInteger();

    @Override
    public CompletableFuture<HandlerOutcome> run(HandlerInvocation invocation) {
        boolean manifest = invocation.packageDir() != null
                && Files.isRegularFile(invocation.packageDir().resolve("HandlerManifest.json"));
        runs.put(invocation.operationId(), new Run(invocation, manifest));
        invocations.incrementAndGet();
        return CompletableFuture.completedFuture(HandlerOutcome.succeeded(invocation.kind() + " succeeded"));
    }

    public Run run(String operationId) {
        return runs.get(operationId);
    }

    public boolean ran(String operationId) {
        return runs.containsKey(operationId);
    }

    /** How many times any handler ran, on any machine. */
    public int invocations() {
        return invocations.get();
    }
}
