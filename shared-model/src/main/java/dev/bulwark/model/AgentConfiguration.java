package dev.bulwark.model;

import java.time.Instant;
import java.util.List;

/**
 * A read-only copy of a machine's effective local configuration, as the cloud shows it under
 * {@code properties.agentConfiguration}. Nothing the cloud sends can change the original.
 * {@code configurationError} is set when the local file is unreadable (the agent then fails closed).
 * {@code changedAt} is when the local configuration last changed (agent clock; absent when it was never
 * set): a prediction made from this copy is known to be stale once a result says it was decided under a
 * later change.
 */
public record AgentConfiguration(List<ExtensionId> extensionsAllowList, List<ExtensionId> extensionsBlockList,
                                 boolean extensionsEnabled, boolean guestConfigurationEnabled, String configMode,
                                 boolean incomingConnectionsEnabled, List<String> incomingConnectionsPorts,
                                 String proxyUrl, List<String> proxyBypass, String configurationError,
                                 Instant changedAt) {
}
