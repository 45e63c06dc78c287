package dev.bulwark.model;

import java.time.Instant;
import java.util.List;

/**
 * What the extension reports about itself, in the shape ARM shows under {@code properties.instanceView}.
 * {@code substatuses} are the handler's own (a real handler's {@code status/N.status}), null when none.
 */
public record InstanceView(String name, String type, String typeHandlerVersion, Status status, List<Status> substatuses) {

    public InstanceView {
        substatuses = substatuses == null || substatuses.isEmpty() ? null : List.copyOf(substatuses);
    }

    public InstanceView(String name, String type, String typeHandlerVersion, Status status) {
        this(name, type, typeHandlerVersion, status, null);
    }

    /** {@code level} is Info, Warning or Error, as in ARM. */
    public record Status(String code, String level, String displayStatus, String message, Instant time) {
    }
}
