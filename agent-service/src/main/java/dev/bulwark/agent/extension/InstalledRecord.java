package dev.bulwark.agent.extension;

import java.time.Instant;

/**
 * An extension installed on a machine, as kept in state.json. {@code settingsSequence} grows with every
 * new configuration, like the handler model's {@code config/N.settings}.
 */
public record InstalledRecord(String name, String publisher, String type, String version, int settingsSequence,
                              boolean hasProtectedSettings, Instant changedAt) {
}
