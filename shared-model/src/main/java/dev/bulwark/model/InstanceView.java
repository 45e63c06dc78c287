package dev.bulwark.model;

import java.time.Instant;

/** What the extension reports about itself, in the shape ARM shows under {@code properties.instanceView}. */
public record InstanceView(String name, String type, String typeHandlerVersion, Status status) {

    /** {@code level} is Info, Warning or Error, as in ARM. */
    public record Status(String code, String level, String displayStatus, String message, Instant time) {
    }
}
