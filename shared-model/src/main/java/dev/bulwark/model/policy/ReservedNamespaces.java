package dev.bulwark.model.policy;

import java.util.List;
import java.util.Locale;

/**
 * Publisher namespaces that belong to vendors: no tenant may publish into them, whatever roles it holds
 * (only the operator grants them, see docs/security.md). Every publisher on {@link MonitorModeAllowlist} is
 * reserved, so nobody can publish an extension into the list that monitor mode trusts.
 */
public final class ReservedNamespaces {
    /** A namespace is reserved when it equals one of these or starts with one of them followed by a dot. */
    public static final List<String> VENDORS = List.of("Microsoft", "Azure", "Windows", "Qualys");

    private ReservedNamespaces() {
    }

    public static boolean isReserved(String publisher) {
        String p = publisher.toLowerCase(Locale.ROOT);
        return VENDORS.stream().map(v -> v.toLowerCase(Locale.ROOT))
                .anyMatch(vendor -> p.equals(vendor) || p.startsWith(vendor + "."));
    }
}
