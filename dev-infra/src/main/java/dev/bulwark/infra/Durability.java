package dev.bulwark.infra;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How far PostgreSQL may trade durability for speed. {@link #DURABLE} for every run that is not a test
 * ({@code ./bulwark infra}, {@code ./bulwark up}, {@code ./bulwark cloud}); {@link #FAST} for tests, the demo and
 * the benchmarks. Which one a run uses is in dev-infra's README ("Data and durability").
 */
public enum Durability {
    /**
     * PostgreSQL's own defaults: {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on. A
     * committed transaction survives {@code kill -9} of any process and a crash of the machine.
     */
    DURABLE,
    /**
     * {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} off. A commit returns before its WAL
     * is written, so {@code kill -9} of PostgreSQL may lose the last few hundred milliseconds of commits (never
     * consistency: the database recovers). A crash of the machine (power loss, kernel panic) may corrupt the data
     * directory.
     */
    FAST;

    /** The variable {@link LocalInfraMain} reads: {@code durable} (its default) or {@code fast}. */
    public static final String VARIABLE = "BULWARK_PG_DURABILITY";

    /** The server settings this level sets, as {@code -c name=value} would give them. */
    public Map<String, String> serverSettings() {
        String value = this == DURABLE ? "on" : "off";
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("fsync", value);
        settings.put("synchronous_commit", value);
        settings.put("full_page_writes", value);
        return settings;
    }

    /** {@code durable} or {@code fast} (any case); {@code fallback} when null or blank. */
    public static Durability parse(String text, Durability fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "durable" -> DURABLE;
            case "fast" -> FAST;
            default -> throw new IllegalArgumentException(VARIABLE + " must be 'durable' or 'fast', not '" + text + "'");
        };
    }
}
