package dev.bulwark.model;

import java.time.Instant;
import java.util.Objects;

/**
 * Topic {@value Topics#EXTENSION_RESULTS}, agent to cloud: the outcome of one {@link ExtensionOperation},
 * signed by the machine's key. {@code errorCode} is an {@link ErrorCode} name when {@code status} is Failed.
 * {@code configurationChangedAt} is {@link AgentConfiguration#changedAt()} of the local configuration that
 * decided the operation (absent when it was never set).
 */
public record OperationResult(int schemaVersion, String operationId, String machineId, String extensionName,
                              OperationKind kind, ResultStatus status, String errorCode, String message,
                              InstanceView instanceView, Instant configurationChangedAt, Instant finishedAt,
                              String signature)
        implements Signed<OperationResult> {

    public static final int SCHEMA_VERSION = 1;

    public OperationResult {
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }

    @Override
    public OperationResult withSignature(String signature) {
        return new OperationResult(schemaVersion, operationId, machineId, extensionName, kind, status, errorCode,
                message, instanceView, configurationChangedAt, finishedAt, signature);
    }
}
