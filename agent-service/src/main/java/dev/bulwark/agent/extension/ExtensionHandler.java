package dev.bulwark.agent.extension;

import java.util.concurrent.CompletableFuture;

/**
 * Runs an allowed, verified operation on the machine. Implementations must not block the caller: a slow
 * install on one machine must not hold up the others an agent process hosts.
 */
@FunctionalInterface
public interface ExtensionHandler {
    CompletableFuture<HandlerOutcome> run(HandlerInvocation invocation);
}
