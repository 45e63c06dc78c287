package dev.bulwark.cloud.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How long history is kept, under {@code bulwark.retention}: the activity log and finished operations are
 * deleted once older than their retention, a batch at a time, by {@code service.RetentionPruner}.
 */
@ConfigMapping(prefix = "bulwark.retention")
public interface RetentionConfig {

    /** Activity log events older than this (by {@code eventTimestamp}) are deleted. Azure keeps 90 days. */
    @WithDefault("P90D")
    Duration activityLog();

    /**
     * Finished operations (Succeeded or Failed) that ended longer ago than this are deleted, except the latest
     * operation of each extension that still exists. Their {@code operationstatus} then answers 404, and a result
     * redelivered for one is ignored as an unknown operation (see {@code RetentionPruner}).
     */
    @WithDefault("P90D")
    Duration operations();

    /** Rows deleted per statement (one short transaction each); batches follow one another until one is not full. */
    @WithDefault("1000")
    int batchSize();

    /** How often the pruner runs, besides once at start. */
    @WithDefault("PT1H")
    Duration interval();
}
