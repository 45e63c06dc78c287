package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.row.ActivityEventRow;
import dev.bulwark.cloud.repository.row.OperationRow;

import java.time.Instant;
import java.util.UUID;

/**
 * Builds the two activity events of an operation (Arc logs a start and an outcome for every write,
 * delete and action). Both carry the operation's correlation id, caller and resource.
 */
public final class ActivityEvents {
    public static final String BEGIN_REQUEST = "BeginRequest";
    public static final String END_REQUEST = "EndRequest";
    public static final String STARTED = "Started";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String INFORMATIONAL = "Informational";
    public static final String ERROR = "Error";

    private ActivityEvents() {
    }

    /** What both events of one operation share: where, which request, who. */
    public record Subject(String subscriptionId, String resourceGroup, String resourceId, String correlationId,
                          UUID operationId, String operationName, String caller, String authorization) {

        static Subject of(OperationRow operation) {
            return new Subject(operation.subscriptionId(), operation.resourceGroup(), operation.extensionResourceId(),
                    operation.correlationId(), operation.operationId(), operation.operationName(), operation.caller(),
                    operation.authorization());
        }
    }

    /** Logged with the request that started the operation: HTTP 202 Accepted. */
    public static ActivityEventRow started(OperationRow operation, String message) {
        return started(Subject.of(operation), "Accepted", operation.startTime(), message);
    }

    /** Logged with the request that started the operation, answered with {@code subStatus} (Accepted, Created, OK). */
    public static ActivityEventRow started(Subject subject, String subStatus, Instant at, String message) {
        return event(subject, at, BEGIN_REQUEST, STARTED, subStatus, INFORMATIONAL, null, message);
    }

    /** Logged once, when the machine's result for the operation is applied. */
    public static ActivityEventRow outcome(OperationRow operation, boolean succeeded, String errorCode, String message,
                                           Instant at) {
        return outcome(Subject.of(operation), succeeded, errorCode, message, at);
    }

    public static ActivityEventRow outcome(Subject subject, boolean succeeded, String errorCode, String message, Instant at) {
        String subStatus = succeeded ? "OK" : "BadRequest";
        return event(subject, at, END_REQUEST, succeeded ? SUCCEEDED : FAILED, subStatus, succeeded ? INFORMATIONAL : ERROR,
                succeeded ? null : errorCode, message);
    }

    private static ActivityEventRow event(Subject subject, Instant at, String eventName, String status, String subStatus,
                                          String level, String errorCode, String message) {
        return new ActivityEventRow(null, UUID.randomUUID(), subject.subscriptionId(), subject.resourceGroup(),
                subject.resourceId(), subject.correlationId(), subject.operationId(), subject.operationName(), eventName,
                status, subStatus, level, subject.caller(), at, at, subStatus, errorCode, message,
                subject.authorization());
    }
}
