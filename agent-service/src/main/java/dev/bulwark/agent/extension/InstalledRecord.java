package dev.bulwark.agent.extension;

import dev.bulwark.model.ExtensionId;

import java.time.Instant;

/**
 * An extension installed on a machine, as kept in state.json. {@code settingsSequence} grows with every
 * new configuration, like the handler model's {@code config/N.settings}. {@code ownService} comes from the
 * verified package's {@code HandlerManifest.json} (null in records written before packages were verified);
 * {@code packageDir} is the verified package folder the handler was given (null when none).
 */
public record InstalledRecord(String name, String publisher, String type, String version, int settingsSequence,
                              boolean hasProtectedSettings, Instant changedAt, Boolean ownService, String packageDir) {

    /** A record whose package is not known (written by hand, by tests, or by an older agent). */
    public InstalledRecord(String name, String publisher, String type, String version, int settingsSequence,
                           boolean hasProtectedSettings, Instant changedAt) {
        this(name, publisher, type, version, settingsSequence, hasProtectedSettings, changedAt, null, null);
    }

    /** True when this is {@code claimed} (case-insensitively); a record without publisher or type is nothing. */
    public boolean is(ExtensionId claimed) {
        return publisher != null && !publisher.isBlank() && type != null && !type.isBlank()
                && new ExtensionId(publisher, type).equals(claimed);
    }
}
