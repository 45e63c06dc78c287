package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.entity.ActivityEventEntity;
import dev.bulwark.cloud.repository.entity.OperationEntity;

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
                          UUID operationId, String operationName, String caller) {

        static Subject of(OperationEntity operation) {
            return new Subject(operation.subscriptionId, operation.resourceGroup, operation.extensionResourceId,
                    operation.correlationId, operation.operationId, operation.operationName, operation.caller);
        }
    }

    /** Logged with the request that started the operation: HTTP 202 Accepted. */
    public static ActivityEventEntity started(OperationEntity operation, String message) {
        return started(Subject.of(operation), "Accepted", operation.startTime, message);
    }

    /** Logged with the request that started the operation, answered with {@code subStatus} (Accepted, Created, OK). */
    public static ActivityEventEntity started(Subject subject, String subStatus, Instant at, String message) {
        ActivityEventEntity event = common(subject, at);
        event.eventName = BEGIN_REQUEST;
        event.status = STARTED;
        event.subStatus = subStatus;
        event.statusCode = subStatus;
        event.level = INFORMATIONAL;
        event.message = message;
        return event;
    }

    /** Logged once, when the machine's result for the operation is applied. */
    public static ActivityEventEntity outcome(OperationEntity operation, boolean succeeded, String errorCode,
                                              String message, Instant at) {
        return outcome(Subject.of(operation), succeeded, errorCode, message, at);
    }

    public static ActivityEventEntity outcome(Subject subject, boolean succeeded, String errorCode, String message,
                                              Instant at) {
        ActivityEventEntity event = common(subject, at);
        event.eventName = END_REQUEST;
        event.status = succeeded ? SUCCEEDED : FAILED;
        event.subStatus = succeeded ? "OK" : "BadRequest";
        event.statusCode = event.subStatus;
        event.level = succeeded ? INFORMATIONAL : ERROR;
        event.errorCode = succeeded ? null : errorCode;
        event.message = message;
        return event;
    }

    private static ActivityEventEntity common(Subject subject, Instant at) {
        ActivityEventEntity event = new ActivityEventEntity();
        event.eventDataId = UUID.randomUUID();
        event.subscriptionId = subject.subscriptionId();
        event.resourceGroup = subject.resourceGroup();
        event.resourceId = subject.resourceId();
        event.correlationId = subject.correlationId();
        event.operationId = subject.operationId();
        event.operationName = subject.operationName();
        event.caller = subject.caller();
        event.eventTimestamp = at;
        event.submissionTimestamp = at;
        return event;
    }
}
