package dev.bulwark.agent.extension;

import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Runs an allowed, verified operation on the machine. Implementations must not block the caller: a slow
 * install on one machine must not hold up the others an agent process hosts.
 */
@FunctionalInterface
public interface ExtensionHandler {
    CompletableFuture<HandlerOutcome> run(HandlerInvocation invocation);

    /**
     * True when the handler writes into the package folder (status, config, logs, as real VM extension
     * handlers do), so each machine needs a copy of its own. False (the default) lets every machine read the
     * one verified folder the process shares, which is what keeps a 100,000-machine fleet from copying a
     * package 100,000 times.
     */
    default boolean needsOwnPackageCopy() {
        return false;
    }

    /**
     * The machine's administrator turned the extension manager off ({@code enabled} false) or on again: stop the
     * extensions the manager hosts, or start them again ({@link ExtensionHosting}); own-service extensions keep
     * running. Called with the machine's installed extensions, never concurrently with that machine's operations
     * finishing. The default has nothing running to stop: a simulated extension's state is only a label.
     */
    default void extensionManagerChanged(Path machineHome, String machineId, boolean enabled,
                                         Collection<InstalledRecord> installed) {
    }
}
