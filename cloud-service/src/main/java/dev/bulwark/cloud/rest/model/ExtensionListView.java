package dev.bulwark.cloud.rest.model;

import java.util.List;

/** ARM's list shape: {@code {"value":[...]}}. A machine has few extensions: one page. */
public record ExtensionListView(List<ExtensionView> value) {
}
