package dev.bulwark.cloud.service;

import dev.bulwark.cloud.security.Grant;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.repository.ActivityEventRepository;
import dev.bulwark.cloud.repository.ExtensionRepository;
import dev.bulwark.cloud.repository.OperationRepository;
import dev.bulwark.cloud.repository.OutboxRepository;
import dev.bulwark.cloud.repository.row.ActivityEventRow;
import dev.bulwark.cloud.repository.row.ExtensionRow;
import dev.bulwark.cloud.repository.row.MachineRow;
import dev.bulwark.cloud.repository.row.OperationRow;
import dev.bulwark.cloud.signing.CloudSigningKey;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.ExtensionSpec;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.SealedSettings;
import dev.bulwark.model.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns decided changes into operations, inside the caller's transaction and for any number of machines at
 * once: the extensions' new states, the operation rows, their Started activity events and one outbox row
 * with the signed messages commit together or not at all, in a fixed number of statements. The messages are
 * signed as one batch ({@link dev.bulwark.model.crypto.OperationBatchSigner}). Protected settings arrive
 * already sealed to each machine and exist afterwards only as ciphertext in the outbox row, which the relay
 * deletes once Kafka has it.
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

    /**
     * One operation to issue.
     *
     * @param extension        already holding the desired state the operation asks for
     * @param operationId      fixed by the caller: sealed settings are bound to it
     * @param sealed           protected settings sealed to this machine for this operation, or null
     * @param packageRefs      where the package and its catalog are (install and upgrade), else empty
     * @param asyncOperationId what the client polls; null to poll this operation itself
     * @param rolloutId        the rollout issuing it, or null
     * @param note             appended to the Started event's message (why the cloud itself issued it), or null
     */
    public record Order(MachineRow machine, ExtensionRow extension, OperationKind kind, ArmOperation armOperation,
                        UUID operationId, SealedSettings sealed, Optional<PackageLocator.PackageReferences> packageRefs,
                        Requester requester, UUID asyncOperationId, UUID rolloutId, String note) {
    }

    /** What one batch of orders writes; {@code created} marks the extensions never stored before. */
    public record Prepared(List<ExtensionRow> extensions, boolean[] created, List<OperationRow> operations,
                           List<ActivityEventRow> started, List<OutboxRepository.Message> messages) {
        public OperationRow operation(int index) {
            return operations.get(index);
        }

        public ExtensionRow extension(int index) {
            return extensions.get(index);
        }
    }

    /** Builds the rows and signs the messages, on a worker thread (canonical bytes, hashing, signing, JSON). */
    public Uni<Prepared> prepare(List<Order> orders) {
        return Uni.createFrom().item(() -> prepareNow(orders, Timestamps.now()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Writes a prepared batch in the caller's transaction. */
    public Uni<Void> write(SqlClient transaction, Prepared prepared) {
        List<ExtensionRow> created = new ArrayList<>();
        List<ExtensionRow> changed = new ArrayList<>();
        for (int i = 0; i < prepared.extensions().size(); i++) {
            (prepared.created()[i] ? created : changed).add(prepared.extensions().get(i));
        }
        return extensions.write(transaction, created, changed)
                .chain(() -> operations.insert(transaction, prepared.operations()))
                .chain(() -> events.insert(transaction, prepared.started()))
                .chain(() -> outbox.add(transaction, Topics.EXTENSION_OPERATIONS, prepared.messages(),
                        prepared.operations().get(0).startTime()));
    }

    Prepared prepareNow(List<Order> orders, Instant now) {
        List<ExtensionRow> inFlight = new ArrayList<>(orders.size());
        boolean[] created = new boolean[orders.size()];
        List<OperationRow> rows = new ArrayList<>(orders.size());
        List<ActivityEventRow> started = new ArrayList<>(orders.size());
        List<ExtensionOperation> unsigned = new ArrayList<>(orders.size());
        for (int i = 0; i < orders.size(); i++) {
            Order order = orders.get(i);
            created[i] = order.extension().updatedAt() == null; // a stored extension always has one
            OperationRow operation = operationRow(order, now);
            ExtensionRow extension = order.extension().inFlight(operation.operationId(),
                    OperationPlanner.pendingState(order.kind()), now);
            inFlight.add(extension);
            rows.add(operation);
            started.add(ActivityEvents.started(operation, order.note() == null ? describe(operation)
                    : describe(operation) + ". " + order.note()));
            unsigned.add(message(operation, extension, order));
        }
        List<OutboxRepository.Message> messages = new ArrayList<>(orders.size());
        for (ExtensionOperation signed : signingKey.sign(unsigned)) {
            messages.add(new OutboxRepository.Message(signed.machineId(), Json.encodeToString(signed)));
        }
        return new Prepared(inFlight, created, rows, started, messages);
    }

    private static ExtensionOperation message(OperationRow operation, ExtensionRow extension, Order order) {
        ObjectNode settings = extension.settings() == null ? null
                : (ObjectNode) Json.tree(extension.settings().getBytes(StandardCharsets.UTF_8));
        SealedSettings sealed = order.kind() == OperationKind.DELETE ? null : order.sealed();
        ExtensionSpec spec = new ExtensionSpec(extension.name(), extension.publisher(), extension.type(),
                extension.typeHandlerVersion(), settings, sealed);
        return new ExtensionOperation(ExtensionOperation.SCHEMA_VERSION, operation.operationId().toString(),
                operation.correlationId(), operation.machineId(), order.kind(), spec,
                order.packageRefs().map(PackageLocator.PackageReferences::packageRef).orElse(null),
                order.packageRefs().map(PackageLocator.PackageReferences::catalog).orElse(null),
                operation.startTime(), null);
    }

    private static OperationRow operationRow(Order order, Instant now) {
        MachineRow machine = order.machine();
        ExtensionRow extension = order.extension();
        UUID id = order.operationId();
        return new OperationRow(id, order.asyncOperationId() != null ? order.asyncOperationId() : id,
                order.requester().correlationId(), machine.subscriptionId(), machine.resourceGroup(), machine.resourceId(),
                extension.id(), ExtensionAddress.resourceId(machine.resourceId(), extension.name()), extension.name(),
                extension.publisher(), extension.type(), extension.typeHandlerVersion(), order.kind(),
                order.armOperation().value(), order.requester().caller(), OperationStatus.IN_PROGRESS, now, null, null, null,
                order.rolloutId(), Grant.toJson(order.requester().authorization()));
    }

    private static String describe(OperationRow operation) {
        return operation.kind().cliName() + " of " + operation.publisher() + "/" + operation.extensionType() + " "
                + operation.extensionVersion() + " (extension '" + operation.extensionName() + "') sent to machine "
                + operation.machineId();
    }
}
