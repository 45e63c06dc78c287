package dev.bulwark.cloud.rest.model;

import java.util.List;

/** ARM's paged list shape: {@code {"value":[...], "nextLink": "..."}}, nextLink absent on the last page. */
public record PagedList<T>(List<T> value, String nextLink) {
}
