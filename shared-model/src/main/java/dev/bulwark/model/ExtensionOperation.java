package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Objects;

/**
 * Topic {@value Topics#EXTENSION_OPERATIONS}, cloud to agent: install, update (reconfigure), upgrade or
 * delete one extension on one machine. Signed by the cloud's key, which the agent learned at connect, in
 * batches ({@link BatchSignature}). {@code package} and {@code catalog} are present for install and upgrade.
 * Schema version 2: the signature became a batch signature.
 */
public record ExtensionOperation(int schemaVersion, String operationId, String correlationId, String machineId,
                                 OperationKind kind, ExtensionSpec extension,
                                 @JsonProperty("package") PackageRef packageRef, CatalogRef catalog,
                                 Instant issuedAt, BatchSignature signature) {

    public static final int SCHEMA_VERSION = 2;

    public ExtensionOperation {
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    public ExtensionOperation withSignature(BatchSignature signature) {
        return new ExtensionOperation(schemaVersion, operationId, correlationId, machineId, kind, extension,
                packageRef, catalog, issuedAt, signature);
    }
}
