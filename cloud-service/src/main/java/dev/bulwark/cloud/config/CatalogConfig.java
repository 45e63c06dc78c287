package dev.bulwark.cloud.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The signed catalog the cloud issues, under {@code bulwark.catalog}. */
@ConfigMapping(prefix = "bulwark.catalog")
public interface CatalogConfig {

    /**
     * How long each catalog version is valid. Agents refuse an expired catalog, so a stale copy cannot be
     * replayed for ever; the cloud re-signs a new version once less than half of this remains.
     */
    @WithDefault("P30D")
    Duration validity();

    /** How often the cloud checks whether the current catalog needs re-signing. */
    @WithDefault("PT5M")
    Duration renewalCheckInterval();
}
