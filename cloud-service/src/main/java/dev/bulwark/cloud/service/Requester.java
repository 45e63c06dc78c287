package dev.bulwark.cloud.service;

/**
 * Who asked and under which correlation id: recorded on the operation and on both of its activity
 * events, so the outcome event names the same caller as the Started event.
 */
public record Requester(String caller, String correlationId) {
}
