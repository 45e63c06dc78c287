package dev.bulwark.cloud.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.ActivityEventRepository;
import dev.bulwark.cloud.repository.ExtensionRepository;
import dev.bulwark.cloud.repository.OperationRepository;
import dev.bulwark.cloud.repository.OutboxRepository;
import dev.bulwark.cloud.repository.entity.ExtensionEntity;
import dev.bulwark.cloud.repository.entity.MachineEntity;
import dev.bulwark.cloud.repository.entity.OperationEntity;
import dev.bulwark.cloud.repository.entity.OutboxMessageEntity;
import dev.bulwark.cloud.signing.CloudSigningKey;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.ExtensionSpec;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.SealedSettings;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.SealedBox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns a decided change into an operation, inside the caller's transaction: the extension's new state,
 * the operation row, its Started activity event and the outbox row with the signed message all commit
 * together or not at all. Protected settings are sealed to the machine here and exist afterwards only
 * as ciphertext in the outbox row, which the relay deletes once Kafka has it.
 */
@ApplicationScoped
public class OperationIssuer {
    @Inject
    ExtensionRepository extensions;
    @Inject
    OperationRepository operations;
    @Inject
    ActivityEventRepository events;
    @Inject
    OutboxRepository outbox;
    @Inject
    CloudSigningKey signingKey;
    @Inject
    PackageLocator packages;

    /**
     * @param extension        already holding the desired state the operation asks for
     * @param asyncOperationId what the client polls; null to poll this operation itself
     */
    public Uni<OperationEntity> issue(MachineEntity machine, ExtensionEntity extension, OperationKind kind,
                                      ArmOperation armOperation, ObjectNode protectedSettings, Requester requester,
                                      UUID asyncOperationId) {
        return issue(machine, extension, kind, armOperation, protectedSettings, requester, asyncOperationId, null);
    }

    /** @param note appended to the Started event's message (why the cloud itself issued the operation); may be null */
    public Uni<OperationEntity> issue(MachineEntity machine, ExtensionEntity extension, OperationKind kind,
                                      ArmOperation armOperation, ObjectNode protectedSettings, Requester requester,
                                      UUID asyncOperationId, String note) {
        OperationEntity operation = newOperation(machine, extension, kind, armOperation, requester, asyncOperationId);
        extension.lastOperationId = operation.operationId;
        extension.provisioningState = OperationPlanner.pendingState(kind);
        extension.updatedAt = operation.startTime;
        SealedSettings sealed = protectedSettings == null || kind == OperationKind.DELETE ? null
                : SealedBox.seal(Json.encode(protectedSettings), SealedBox.decodePublic(machine.encryptionKey),
                machine.resourceId, operation.operationId.toString());
        return packageReferences(kind, extension)
                .map(refs -> outboxMessage(operation, extension, sealed, refs))
                .chain(message -> extensions.persist(extension)
                        .chain(() -> operations.persist(operation))
                        .chain(() -> events.persist(ActivityEvents.started(operation,
                                note == null ? describe(operation) : describe(operation) + ". " + note)))
                        .chain(() -> outbox.persist(message)))
                .replaceWith(operation);
    }

    /** Install and upgrade need a published package; update (same version) and delete need none. */
    private Uni<Optional<PackageLocator.PackageReferences>> packageReferences(OperationKind kind, ExtensionEntity extension) {
        if (kind != OperationKind.INSTALL && kind != OperationKind.UPGRADE) {
            return Uni.createFrom().item(Optional.empty());
        }
        return packages.locate(new ExtensionId(extension.publisher, extension.type), extension.typeHandlerVersion)
                .invoke(found -> {
                    if (found.isEmpty()) {
                        throw versionNotFound(extension);
                    }
                });
    }

    private static ApiException versionNotFound(ExtensionEntity extension) {
        return new ApiException(ArmErrorCode.ExtensionVersionNotFound, "Extension " + extension.publisher + "/"
                + extension.type + " version " + extension.typeHandlerVersion + " is not published in this cloud, so no"
                + " machine could verify and install it. Publish it first (PUT .../publishers/" + extension.publisher
                + "/extensionTypes/" + extension.type + "/versions/" + extension.typeHandlerVersion
                + ") or choose a published version.", "properties.typeHandlerVersion");
    }

    private OutboxMessageEntity outboxMessage(OperationEntity operation, ExtensionEntity extension, SealedSettings sealed,
                                              Optional<PackageLocator.PackageReferences> refs) {
        ObjectNode settings = extension.settings == null ? null : (ObjectNode) Json.tree(extension.settings.getBytes(StandardCharsets.UTF_8));
        ExtensionSpec spec = new ExtensionSpec(extension.name, extension.publisher, extension.type,
                extension.typeHandlerVersion, settings, sealed);
        ExtensionOperation message = signingKey.sign(new ExtensionOperation(ExtensionOperation.SCHEMA_VERSION,
                operation.operationId.toString(), operation.correlationId, operation.machineId,
                OperationKind.valueOf(operation.kind), spec,
                refs.map(PackageLocator.PackageReferences::packageRef).orElse(null),
                refs.map(PackageLocator.PackageReferences::catalog).orElse(null),
                operation.startTime, null));
        OutboxMessageEntity row = new OutboxMessageEntity();
        row.topic = Topics.EXTENSION_OPERATIONS;
        row.machineId = operation.machineId;
        row.payload = Json.encodeToString(message);
        row.createdAt = operation.startTime;
        return row;
    }

    private static OperationEntity newOperation(MachineEntity machine, ExtensionEntity extension, OperationKind kind,
                                                ArmOperation armOperation, Requester requester, UUID asyncOperationId) {
        OperationEntity operation = new OperationEntity();
        operation.operationId = UUID.randomUUID();
        operation.asyncOperationId = asyncOperationId != null ? asyncOperationId : operation.operationId;
        operation.correlationId = requester.correlationId();
        operation.caller = requester.caller();
        operation.subscriptionId = machine.subscriptionId;
        operation.resourceGroup = machine.resourceGroup;
        operation.machineId = machine.resourceId;
        operation.extensionId = extension.id;
        operation.extensionResourceId = ExtensionAddress.resourceId(machine.resourceId, extension.name);
        operation.extensionName = extension.name;
        operation.publisher = extension.publisher;
        operation.extensionType = extension.type;
        operation.extensionVersion = extension.typeHandlerVersion;
        operation.kind = kind.name();
        operation.operationName = armOperation.value();
        operation.status = OperationStatus.IN_PROGRESS;
        operation.startTime = Timestamps.now();
        return operation;
    }

    private static String describe(OperationEntity operation) {
        return OperationKind.valueOf(operation.kind).cliName() + " of " + operation.publisher + "/" + operation.extensionType
                + " " + operation.extensionVersion + " (extension '" + operation.extensionName + "') sent to machine "
                + operation.machineId;
    }
}
