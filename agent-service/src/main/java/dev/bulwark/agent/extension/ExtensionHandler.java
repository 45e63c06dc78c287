package dev.bulwark.agent.extension;

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
}
