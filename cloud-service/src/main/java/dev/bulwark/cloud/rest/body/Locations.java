package dev.bulwark.cloud.rest.body;

import java.util.Locale;

/** ARM writes regions in lower case without spaces ("West Europe" is westeurope). */
final class Locations {
    private Locations() {
    }

    static String normalize(String location) {
        return location == null ? null : location.replace(" ", "").toLowerCase(Locale.ROOT);
    }
}
