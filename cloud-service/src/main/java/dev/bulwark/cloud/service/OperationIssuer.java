package dev.bulwark.cloud.service;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.security.Grant;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.repository.ActivityEventRepository;
import dev.bulwark.cloud.repository.ExtensionRepository;
import dev.bulwark.cloud.repository.OperationRepository;
import dev.bulwark.cloud.repository.OperationSequenceRepository;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns decided changes into operations, inside the caller's transaction and for any number of machines at
 * once: each machine's next sequence numbers, the extensions' new states, the operation rows, their Started
 * activity events and one outbox row with the signed messages commit together or not at all, in a fixed
 * number of statements. The messages are signed as one batch ({@link dev.bulwark.model.crypto.OperationBatchSigner}),
 * sequence numbers included. Protected settings arrive already sealed to each machine and exist afterwards
 * only as ciphertext in the outbox row, which the relay deletes once Kafka has it.
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
    OperationSequenceRepository sequences;
    @Inject
    CloudSigningKey signingKey;
    @Inject
    CloudConfig config;

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

        Prepared withMessages(List<OutboxRepository.Message> signed) {
            return new Prepared(extensions, created, operations, started, signed);
        }
    }

    /**
     * Issues {@code orders} (at least one) in the caller's transaction: writes the extensions' new states,
     * numbers each machine's operations ({@link OperationSequenceRepository#reserve}), signs the messages on
     * a worker thread (canonical bytes, hashing, signing, JSON), and writes the operations, their Started
     * events and the outbox row.
     *
     * <p>The order of the writes is the order of the row locks, the same in every issuing transaction:
     * extension rows first (a PUT has locked its row already), then machine rows (in machine id order), so
     * a PUT and a rollout chunk issuing to the same machine wait for each other instead of deadlocking; and
     * the outbox row last, after the machine rows are locked, so one machine's operations enter the outbox
     * in sequence order.
     */
    public Uni<Prepared> issue(SqlClient transaction, List<Order> orders) {
        Prepared rows = rows(orders, Timestamps.now());
        List<ExtensionRow> created = new ArrayList<>();
        List<ExtensionRow> changed = new ArrayList<>();
        for (int i = 0; i < rows.extensions().size(); i++) {
            (rows.created()[i] ? created : changed).add(rows.extensions().get(i));
        }
        return extensions.write(transaction, created, changed)
                .chain(() -> sequences.reserve(transaction, operationsPerMachine(orders)))
                .chain(first -> Uni.createFrom().item(() -> rows.withMessages(signedMessages(rows, orders, first)))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .call(prepared -> operations.insert(transaction, prepared.operations())
                        .chain(() -> events.insert(transaction, prepared.started()))
                        .chain(() -> outbox.add(transaction, Topics.EXTENSION_OPERATIONS, prepared.messages(),
                                prepared.operations().get(0).startTime())));
    }

    private static Map<String, Integer> operationsPerMachine(List<Order> orders) {
        Map<String, Integer> counts = new HashMap<>();
        for (Order order : orders) {
            counts.merge(order.machine().resourceId(), 1, Integer::sum);
        }
        return counts;
    }

    /** The rows of a batch, without its messages: they need the sequence numbers. */
    private static Prepared rows(List<Order> orders, Instant now) {
        List<ExtensionRow> inFlight = new ArrayList<>(orders.size());
        boolean[] created = new boolean[orders.size()];
        List<OperationRow> rows = new ArrayList<>(orders.size());
        List<ActivityEventRow> started = new ArrayList<>(orders.size());
        for (int i = 0; i < orders.size(); i++) {
            Order order = orders.get(i);
            created[i] = order.extension().updatedAt() == null; // a stored extension always has one
            OperationRow operation = operationRow(order, now);
            inFlight.add(order.extension().inFlight(operation.operationId(), OperationPlanner.pendingState(order.kind()), now));
            rows.add(operation);
            started.add(ActivityEvents.started(operation, order.note() == null ? describe(operation)
                    : describe(operation) + ". " + order.note()));
        }
        return new Prepared(inFlight, created, rows, started, List.of());
    }

    /**
     * The batch's messages, signed together.
     *
     * @param firstSequences each machine's first sequence number in this batch; its orders are numbered in list order
     */
    private List<OutboxRepository.Message> signedMessages(Prepared rows, List<Order> orders, Map<String, Long> firstSequences) {
        Map<String, Long> nextSequence = new HashMap<>(firstSequences);
        List<ExtensionOperation> unsigned = new ArrayList<>(orders.size());
        for (int i = 0; i < orders.size(); i++) {
            OperationRow operation = rows.operation(i);
            long sequence = nextSequence.merge(operation.machineId(), 1L, Long::sum) - 1;
            unsigned.add(message(operation, rows.extension(i), orders.get(i), sequence));
        }
        List<OutboxRepository.Message> messages = new ArrayList<>(orders.size());
        long limit = config.outbox().maxMessageSize().asLongValue();
        for (ExtensionOperation signed : signingKey.sign(unsigned)) {
            String payload = Json.encodeToString(signed);
            long size = payload.getBytes(StandardCharsets.UTF_8).length;
            if (size > limit) {
                // Refused here, in the request's transaction: nothing is written, and the relay never meets it.
                throw ApiException.invalidParameter("properties.settings", "The signed operation for machine "
                        + signed.machineId() + " would be " + size + " bytes, more than the " + limit + " bytes a message"
                        + " may have (bulwark.cloud.outbox.max-message-size, below the broker's limit): make properties.settings"
                        + " and properties.protectedSettings smaller.");
            }
            messages.add(new OutboxRepository.Message(signed.machineId(), payload));
        }
        return messages;
    }

    private static ExtensionOperation message(OperationRow operation, ExtensionRow extension, Order order, long sequence) {
        ObjectNode settings = extension.settings() == null ? null
                : (ObjectNode) Json.tree(extension.settings().getBytes(StandardCharsets.UTF_8));
        SealedSettings sealed = order.kind() == OperationKind.DELETE ? null : order.sealed();
        ExtensionSpec spec = new ExtensionSpec(extension.name(), extension.publisher(), extension.type(),
                extension.typeHandlerVersion(), settings, sealed);
        return new ExtensionOperation(ExtensionOperation.SCHEMA_VERSION, operation.operationId().toString(),
                operation.correlationId(), operation.machineId(), sequence, order.kind(), spec,
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
