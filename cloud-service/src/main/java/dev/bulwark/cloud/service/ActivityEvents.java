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

    /** Logged with the request that started the operation: HTTP 202 Accepted. */
    public static ActivityEventEntity started(OperationEntity operation, String message) {
        ActivityEventEntity event = common(operation, operation.startTime);
        event.eventName = BEGIN_REQUEST;
        event.status = STARTED;
        event.subStatus = "Accepted";
        event.statusCode = "Accepted";
        event.level = INFORMATIONAL;
        event.message = message;
        return event;
    }

    /** Logged once, when the machine's result for the operation is applied. */
    public static ActivityEventEntity outcome(OperationEntity operation, boolean succeeded, String errorCode,
                                              String message, Instant at) {
        ActivityEventEntity event = common(operation, at);
        event.eventName = END_REQUEST;
        event.status = succeeded ? SUCCEEDED : FAILED;
        event.subStatus = succeeded ? "OK" : "BadRequest";
        event.statusCode = event.subStatus;
        event.level = succeeded ? INFORMATIONAL : ERROR;
        event.errorCode = succeeded ? null : errorCode;
        event.message = message;
        return event;
    }

    private static ActivityEventEntity common(OperationEntity operation, Instant at) {
        ActivityEventEntity event = new ActivityEventEntity();
        event.eventDataId = UUID.randomUUID();
        event.subscriptionId = operation.subscriptionId;
        event.resourceGroup = operation.resourceGroup;
        event.resourceId = operation.extensionResourceId;
        event.correlationId = operation.correlationId;
        event.operationId = operation.operationId;
        event.operationName = operation.operationName;
        event.caller = operation.caller;
        event.eventTimestamp = at;
        event.submissionTimestamp = at;
        return event;
    }
}
