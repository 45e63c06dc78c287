package dev.bulwark.model;

import java.util.Locale;

/**
 * An extension's identity, {@code Publisher/Type}. Equality ignores case, because Arc documentation
 * and users write the same extension in mixed and lower case.
 */
public record ExtensionId(String publisher, String type) {

    public ExtensionId {
        if (publisher == null || publisher.isBlank() || type == null || type.isBlank()) {
            throw new IllegalArgumentException("an extension is written Publisher/Type, both parts non-empty");
        }
        publisher = publisher.trim();
        type = type.trim();
    }

    /**
     * Parses {@code Publisher/Type}. Rejects anything without exactly one {@code /}, naming the entry.
     */
    public static ExtensionId parse(String text) {
        String entry = text == null ? "" : text.trim();
        int slash = entry.indexOf('/');
        if (slash <= 0 || slash != entry.lastIndexOf('/') || slash == entry.length() - 1) {
            throw new IllegalArgumentException("'" + entry + "' is not Publisher/Type: an extension is its publisher"
                    + " and type separated by exactly one '/' (for example Microsoft.Azure.Monitor/AzureMonitorLinuxAgent)");
        }
        return new ExtensionId(entry.substring(0, slash), entry.substring(slash + 1));
    }

    /** The lower-case form used for matching and as a map key. */
    public String key() {
        return (publisher + "/" + type).toLowerCase(Locale.ROOT);
    }

    /** ARM writes extension types in {@code upgradeExtensions} as {@code Publisher.Type}. */
    public String dotted() {
        return publisher + "." + type;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExtensionId other && key().equals(other.key());
    }

    @Override
    public int hashCode() {
        return key().hashCode();
    }

    @Override
    public String toString() {
        return publisher + "/" + type;
    }
}
