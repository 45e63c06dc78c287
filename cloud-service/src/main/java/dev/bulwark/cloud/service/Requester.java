package dev.bulwark.cloud.service;


import dev.bulwark.cloud.security.Grant;

/**
 * Who asked, under which correlation id, and what allowed it: recorded on the operation and on both of its
 * activity events, so the outcome event names the same caller and authorization as the Started event.
 *
 * @param authorization null for the service's own work (reconciliation)
 */
public record Requester(String caller, String correlationId, Grant authorization) {
}
