package dev.bulwark.cloud.rest.model;

import java.util.List;

/** One page of events; {@code nextLink} is absent on the last page. */
public record ActivityLogPage(List<ActivityEventView> value, String nextLink) {
}
