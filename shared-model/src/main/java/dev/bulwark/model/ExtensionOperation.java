package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Objects;

/**
 * Topic {@value Topics#EXTENSION_OPERATIONS}, cloud to agent: install, update (reconfigure), upgrade or
 * delete one extension on one machine. Signed by the cloud's key, which the agent learned at connect, in
 * batches ({@link BatchSignature}). {@code package} and {@code catalog} are present for install and upgrade.
 * {@code sequence} numbers the operations the cloud issued to this machine, from 1; the machine runs only
 * operations newer than the last it ran, so a captured operation cannot be replayed.
 * Schema version 2: the signature became a batch signature; 3: {@code sequence}.
 */
public record ExtensionOperation(int schemaVersion, String operationId, String correlationId, String machineId,
                                 long sequence, OperationKind kind, ExtensionSpec extension,
                                 @JsonProperty("package") PackageRef packageRef, CatalogRef catalog,
                                 Instant issuedAt, BatchSignature signature) {

    public static final int SCHEMA_VERSION = 3;

    public ExtensionOperation {
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(machineId, "machineId");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be 1 or more, not " + sequence);
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    public ExtensionOperation withSignature(BatchSignature signature) {
        return new ExtensionOperation(schemaVersion, operationId, correlationId, machineId, sequence, kind, extension,
                packageRef, catalog, issuedAt, signature);
    }
}
