package dev.bulwark.model;

import java.util.List;

/**
 * A read-only copy of a machine's effective local configuration, as the cloud shows it under
 * {@code properties.agentConfiguration}. Nothing the cloud sends can change the original.
 * {@code configurationError} is set when the local file is unreadable (the agent then fails closed).
 */
public record AgentConfiguration(List<ExtensionId> extensionsAllowList, List<ExtensionId> extensionsBlockList,
                                 boolean extensionsEnabled, boolean guestConfigurationEnabled, String configMode,
                                 boolean incomingConnectionsEnabled, List<String> incomingConnectionsPorts,
                                 String proxyUrl, List<String> proxyBypass, String configurationError) {
}
