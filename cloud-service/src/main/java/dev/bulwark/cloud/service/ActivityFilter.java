package dev.bulwark.cloud.service;

import java.time.Instant;

/**
 * The parts of an activity-log {@code $filter} this service understands; null means "not filtered".
 * Built by {@link ActivityFilterParser}.
 */
public record ActivityFilter(Instant from, Instant to, String resourceGroupName, String resourceUri,
                             String correlationId, String status) {

    public static final ActivityFilter NONE = new ActivityFilter(null, null, null, null, null, null);
}
