package dev.bulwark.cloud.rest.model;

import java.util.List;

/** ARM's list shape, {@code {"value":[...]}}, for lists that fit one page. */
public record ResourceList<T>(List<T> value) {
}
