package dev.bulwark.cloud.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Times as PostgreSQL keeps them (microseconds), so a value read back equals the value written: paging keys depend on it. */
public final class Timestamps {
    private Timestamps() {
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
