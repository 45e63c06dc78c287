package dev.bulwark.agent.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.agent.config.LocalConfigStore;
import dev.bulwark.agent.extension.ExtensionHandler;
import dev.bulwark.agent.extension.GateResult;
import dev.bulwark.agent.extension.HandlerInvocation;
import dev.bulwark.agent.extension.HandlerOutcome;
import dev.bulwark.agent.extension.InstalledRecord;
import dev.bulwark.agent.extension.MachineState;
import dev.bulwark.agent.extension.PackageGate;
import dev.bulwark.agent.extension.PackageRequest;
import dev.bulwark.agent.extension.ProtectedSettingsVault;
import dev.bulwark.agent.extension.StateStore;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.DeadLetterRecords;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.ExtensionSpec;
import dev.bulwark.model.InstanceView;
import dev.bulwark.model.Json;
import dev.bulwark.model.MessageFormatException;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.MessageSigner;
import dev.bulwark.model.crypto.SealedBox;
import dev.bulwark.model.policy.Decision;
import dev.bulwark.model.policy.ExtensionPolicy;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * What one machine does with one record of {@value Topics#EXTENSION_OPERATIONS}: check that it is for
 * this machine and signed by the cloud it trusts (else dead-letter), answer a redelivered operation with
 * its stored result, refuse one that is not newer than the last it ran or is outside its freshness window
 * ({@link ReplayGuard}), decide by the current local rules, check that an update, upgrade or delete names
 * the extension installed under that name (same publisher and type), verify the package of an install or
 * upgrade (an update reconfigures the installed version, a delete removes it: neither downloads anything),
 * run the handler, record the outcome and the operation's sequence in state.json and return the signed
 * result to publish.
 *
 * <p>The completed future holds the records to publish: a result, a dead letter, or both for a refused
 * operation. It fails only when the machine's own files cannot be written; the host then tries the
 * operation again, which is safe because the stored result makes a second delivery change nothing.
 */
public final class OperationHandler {
    private final PackageGate packageGate;
    private final ExtensionHandler extensionHandler;
    private final Executor workers;
    private final Clock clock;
    private final ReplayGuard replayGuard;
    private final HostStats stats;

    public OperationHandler(PackageGate packageGate, ExtensionHandler extensionHandler, Executor workers, Clock clock,
                            ReplayGuard replayGuard, HostStats stats) {
        this.packageGate = packageGate;
        this.extensionHandler = extensionHandler;
        this.workers = workers;
        this.clock = clock;
        this.replayGuard = replayGuard;
        this.stats = stats;
    }

    public CompletableFuture<List<ProducerRecord<byte[], byte[]>>> handle(Machine machine, ConsumerRecord<byte[], byte[]> record) {
        ExtensionOperation operation;
        try {
            operation = verified(machine, record);
        } catch (MessageFormatException refused) {
            stats.deadLetters.increment();
            return CompletableFuture.completedFuture(List.of(DeadLetterRecords.of(record, refused)));
        }
        try {
            StateStore.Snapshot state = machine.state().snapshot();
            // First the stored result: a redelivery of an operation this machine ran (its sequence is not newer
            // either) gets the outcome it had, as at-least-once delivery needs; only other old operations are refused.
            JsonNode stored = state.state().results().get(operation.operationId());
            if (stored != null) {
                stats.duplicates.increment();
                return CompletableFuture.completedFuture(List.of(resultRecord(machine, stored)));
            }
            ReplayGuard.Refusal refusal = replayGuard.check(operation, state.state().highestSequence(), clock.instant());
            if (refusal != null) {
                return CompletableFuture.completedFuture(refuse(machine, record, operation, refusal));
            }
            return process(machine, operation, state).thenApply(List::of);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A refused operation is dead-lettered with why, and answered with a signed Failed result so that an
     * operation that arrived out of order or too late never leaves the cloud waiting (a true replay's
     * answer changes nothing there: that operation is final already). Neither touches state.json: nothing
     * ran, and a replay must not push the results of real operations out of the remembered ones.
     */
    private List<ProducerRecord<byte[], byte[]>> refuse(Machine machine, ConsumerRecord<byte[], byte[]> record,
                                                        ExtensionOperation operation, ReplayGuard.Refusal refusal) {
        stats.refused.increment();
        stats.deadLetters.increment();
        stats.failed.increment();
        // No configurationChangedAt: the local configuration did not decide this.
        JsonNode result = signedResult(machine, operation,
                Outcome.failed(refusal.errorCode(), refusal.message(), refusal.statusMessage()), null);
        return List.of(DeadLetterRecords.of(record, DeadLetter.Reason.OperationRefused, refusal.message(), refusal.errorCode()),
                resultRecord(machine, result));
    }

    /**
     * The answer when this machine's own files failed the operation again and again ({@code error}): a signed
     * Failed result ({@code MachineStorageFailed}) so the cloud does not wait, written nowhere on the machine
     * (its files are what failed). A record that does not even verify is dead-lettered as usual.
     */
    public List<ProducerRecord<byte[], byte[]>> failLocally(Machine machine, ConsumerRecord<byte[], byte[]> record, Throwable error) {
        ExtensionOperation operation;
        try {
            operation = verified(machine, record);
        } catch (MessageFormatException refused) {
            stats.deadLetters.increment();
            return List.of(DeadLetterRecords.of(record, refused));
        }
        stats.failed.increment();
        String message = "This machine could not read or write its own files for the operation (" + error
                + "); nothing was changed. A local administrator should check the agent's home and its log.";
        JsonNode result = signedResult(machine, operation, Outcome.failed(ErrorCode.MachineStorageFailed, message,
                "The machine's own files could not be read or written"), null);
        return List.of(resultRecord(machine, result));
    }

    /** The operation, if the record is for this machine and the cloud it trusts signed it. */
    private static ExtensionOperation verified(Machine machine, ConsumerRecord<byte[], byte[]> record) {
        JsonNode tree = SignedRecords.verifiedOperation(machine, record);
        ExtensionOperation operation = Json.decodeTree(tree, ExtensionOperation.class, ExtensionOperation.SCHEMA_VERSION);
        ExtensionSpec extension = operation.extension();
        if (extension.name() == null || extension.name().isBlank()) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "extension.name is missing");
        }
        try {
            extension.id();
        } catch (IllegalArgumentException e) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "extension.publisher or extension.type is missing");
        }
        return operation;
    }

    /**
     * One operation on one machine, with the change time of the local configuration that decided it (every
     * result says which configuration it was decided under, so the cloud can tell a stale prediction), and
     * the machine's state as read before deciding (the final write reuses it if nobody changed the file).
     */
    private record Task(Machine machine, ExtensionOperation operation, Instant configurationChangedAt,
                        StateStore.Snapshot state) {
    }

    private CompletableFuture<ProducerRecord<byte[], byte[]>> process(Machine machine, ExtensionOperation operation,
                                                                     StateStore.Snapshot state) {
        ExtensionSpec extension = operation.extension();
        // The rules in force now: a CLI change made a moment ago applies to this operation.
        LocalConfigStore.InForce rules = machine.config().inForce();
        Task task = new Task(machine, operation, rules.changedAt(), state);
        Decision decision = ExtensionPolicy.decide(rules.rules(), extension.id(), operation.kind());
        if (!decision.allowed()) {
            stats.blocked.increment();
            return done(task, Outcome.failed(decision.errorCode(), decision.message(), summary(decision)),
                    UnaryOperator.identity());
        }
        InstalledRecord installed = state.state().installed(extension.name());
        if (installed != null && operation.kind() != OperationKind.INSTALL && !installed.is(extension.id())) {
            // The rules decided on the extension the operation names; what would run is the one installed.
            return done(task, Outcome.failed(ErrorCode.ExtensionIdentityMismatch, "Extension " + extension.name()
                    + " on this machine is " + installed.publisher() + "/" + installed.type() + ", not "
                    + extension.id() + " as the " + operation.kind().cliName() + " says: nothing ran and nothing"
                    + " changed. If the cloud's view of this machine is out of date, a local administrator can remove"
                    + " the installed one with: bulwark-agent extension remove --name " + extension.name(),
                    "Another extension is installed under this name"), UnaryOperator.identity());
        }
        if (operation.kind() == OperationKind.DELETE) {
            if (installed == null) {
                return done(task, Outcome.succeeded("Extension " + extension.name()
                        + " is not installed on this machine; nothing to delete."), UnaryOperator.identity());
            }
            return runHandler(task, installed, null);
        }
        if (installed == null && operation.kind() != OperationKind.INSTALL) {
            return done(task, Outcome.failed(ErrorCode.ExtensionNotInstalled, "Extension " + extension.name()
                    + " is not installed on this machine, so it cannot be " + (operation.kind() == OperationKind.UPDATE
                    ? "updated" : "upgraded") + ". Install it first.", "Not installed"), UnaryOperator.identity());
        }
        if (operation.kind() == OperationKind.UPDATE) {
            return runHandler(task, installed, null);
        }
        PackageRequest request = new PackageRequest(machine.home(), machine.machineId(), machine.cloudUrl(), operation,
                extensionHandler.needsOwnPackageCopy());
        return packageGate.verify(request)
                .thenComposeAsync(gate -> {
                    if (!gate.verified()) {
                        return done(task, Outcome.failed(ErrorCode.PackageVerificationFailed,
                                "Package of extension " + extension.id() + " failed verification (" + gate.reason() + "): "
                                        + gate.message() + ". Nothing of the package ran.", "Package verification failed"),
                                UnaryOperator.identity());
                    }
                    return runHandler(task, installed, gate);
                }, workers);
    }

    private CompletableFuture<ProducerRecord<byte[], byte[]>> runHandler(Task task, InstalledRecord installed,
                                                                        GateResult gate) {
        Machine machine = task.machine();
        ExtensionOperation operation = task.operation();
        ExtensionSpec extension = operation.extension();
        ProtectedSettingsVault vault = machine.vault();
        byte[] protectedSettings;
        try {
            protectedSettings = protectedSettings(machine, operation, vault);
        } catch (GeneralSecurityException e) {
            return done(task, Outcome.failed(ErrorCode.ExtensionHandlerFailed, "The protected settings of "
                    + extension.name() + " could not be opened with this machine's key: they were sealed for another"
                    + " machine, operation or key. Nothing ran.", "Protected settings could not be opened"),
                    UnaryOperator.identity());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        HandlerInvocation invocation = new HandlerInvocation(machine.home(), machine.machineId(), operation.operationId(),
                operation.kind(), extension, protectedSettings, nextSettingsSequence(installed), installed, gate);
        return extensionHandler.run(invocation)
                .exceptionally(error -> HandlerOutcome.failed("the handler crashed: " + error))
                .thenComposeAsync(outcome -> {
                    try {
                        return afterHandler(task, installed, gate, outcome, protectedSettings, vault);
                    } finally {
                        if (protectedSettings != null) {
                            Arrays.fill(protectedSettings, (byte) 0);
                        }
                    }
                }, workers);
    }

    /** Every new configuration gets the next number (the handler protocol's {@code config/N.settings}). */
    private static int nextSettingsSequence(InstalledRecord installed) {
        return installed == null ? 0 : installed.settingsSequence() + 1;
    }

    /** New protected settings are opened from the operation; an update or upgrade without them reuses the stored ones. */
    private static byte[] protectedSettings(Machine machine, ExtensionOperation operation, ProtectedSettingsVault vault)
            throws GeneralSecurityException, IOException {
        ExtensionSpec extension = operation.extension();
        if (extension.protectedSettings() != null) {
            return SealedBox.open(extension.protectedSettings(), machine.encryptionKey(), machine.machineId(),
                    operation.operationId());
        }
        if (operation.kind() == OperationKind.UPDATE || operation.kind() == OperationKind.UPGRADE) {
            return vault.load(machine.machineId(), extension.name());
        }
        return null;
    }

    private CompletableFuture<ProducerRecord<byte[], byte[]>> afterHandler(Task task, InstalledRecord installed,
                                                                          GateResult gate, HandlerOutcome outcome,
                                                                          byte[] protectedSettings,
                                                                          ProtectedSettingsVault vault) {
        Machine machine = task.machine();
        ExtensionOperation operation = task.operation();
        ExtensionSpec extension = operation.extension();
        if (!outcome.succeeded()) {
            ErrorCode code = outcome.errorCode() == null ? ErrorCode.ExtensionHandlerFailed : outcome.errorCode();
            String message = code == ErrorCode.PackageVerificationFailed ? outcome.message()
                    : "The handler of extension " + extension.id() + " failed: " + outcome.message();
            return done(task, Outcome.failed(code, message, outcome.message(), outcome.substatuses()),
                    UnaryOperator.identity());
        }
        try {
            if (operation.kind() == OperationKind.DELETE) {
                vault.delete(extension.name());
                return done(task, Outcome.succeeded(outcome.message(), outcome.substatuses()), state -> state.without(extension.name()));
            }
            boolean hasProtected = protectedSettings != null;
            if (extension.protectedSettings() != null) {
                vault.store(machine.machineId(), extension.name(), protectedSettings);
            }
            int sequence = nextSettingsSequence(installed);
            InstalledRecord record = gate != null
                    ? new InstalledRecord(extension.name(), extension.publisher(), extension.type(), extension.version(),
                    sequence, hasProtected, clock.instant(), gate.manifest() == null ? null : gate.manifest().ownService(),
                    gate.packageDir() == null ? null : gate.packageDir().toString())
                    // An update reconfigures what is installed: version and package stay what was verified.
                    : new InstalledRecord(extension.name(), installed.publisher(), installed.type(), installed.version(),
                    sequence, hasProtected, clock.instant(), installed.ownService(), installed.packageDir());
            return done(task, Outcome.succeeded(outcome.message(), outcome.substatuses()), state -> state.withInstalled(record));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** How an operation ended; {@code substatuses} are what a real handler reported about itself. */
    private record Outcome(ResultStatus status, ErrorCode errorCode, String message, String statusMessage,
                           List<InstanceView.Status> substatuses) {
        static Outcome succeeded(String message) {
            return succeeded(message, List.of());
        }

        static Outcome succeeded(String message, List<InstanceView.Status> substatuses) {
            return new Outcome(ResultStatus.Succeeded, null, message, message, substatuses);
        }

        static Outcome failed(ErrorCode code, String message, String statusMessage) {
            return failed(code, message, statusMessage, List.of());
        }

        static Outcome failed(ErrorCode code, String message, String statusMessage, List<InstanceView.Status> substatuses) {
            return new Outcome(ResultStatus.Failed, code, message, statusMessage, substatuses);
        }
    }

    /**
     * Signs the result, stores it with the state change and the operation's sequence in one write, and
     * returns it ready to publish.
     */
    private CompletableFuture<ProducerRecord<byte[], byte[]>> done(Task task, Outcome outcome,
                                                                  UnaryOperator<MachineState> change) {
        Machine machine = task.machine();
        ExtensionOperation operation = task.operation();
        JsonNode signed = signedResult(machine, operation, outcome, task.configurationChangedAt());
        try {
            machine.state().update(task.state(), state -> change.apply(state).withResult(operation.operationId(), signed)
                    .withSequenceRun(operation.sequence()));
        } catch (IOException | UncheckedIOException e) {
            return CompletableFuture.failedFuture(e);
        }
        (outcome.status() == ResultStatus.Succeeded ? stats.succeeded : stats.failed).increment();
        return CompletableFuture.completedFuture(resultRecord(machine, signed));
    }

    private JsonNode signedResult(Machine machine, ExtensionOperation operation, Outcome outcome,
                                  Instant configurationChangedAt) {
        ExtensionSpec extension = operation.extension();
        Instant now = clock.instant();
        boolean succeeded = outcome.status() == ResultStatus.Succeeded;
        InstanceView view = new InstanceView(extension.name(), extension.publisher() + "." + extension.type(),
                extension.version(), new InstanceView.Status(
                        succeeded ? "ProvisioningState/succeeded" : "ProvisioningState/failed/" + outcome.errorCode(),
                        succeeded ? "Info" : "Error", succeeded ? "Provisioning succeeded" : "Provisioning failed",
                        outcome.statusMessage(), now), outcome.substatuses());
        OperationResult result = MessageSigner.sign(new OperationResult(OperationResult.SCHEMA_VERSION,
                operation.operationId(), machine.machineId(), extension.name(), operation.kind(), outcome.status(),
                outcome.errorCode() == null ? null : outcome.errorCode().name(), outcome.message(), view,
                configurationChangedAt, now, null),
                machine.signingKey());
        return Json.MAPPER.valueToTree(result);
    }

    private static ProducerRecord<byte[], byte[]> resultRecord(Machine machine, JsonNode signedResult) {
        return new ProducerRecord<>(Topics.EXTENSION_RESULTS, machine.machineId().getBytes(StandardCharsets.UTF_8),
                Json.encode(signedResult));
    }

    /** The short instance-view message for a blocked operation. */
    private static String summary(Decision decision) {
        return switch (decision.rule()) {
            case Decision.Rule.BLOCKLIST -> "Blocked by the local blocklist";
            case Decision.Rule.NOT_IN_ALLOWLIST, Decision.Rule.ALLOW_NONE -> "Blocked by the local allowlist";
            case Decision.Rule.MONITOR_MODE -> "Blocked by monitor mode";
            case Decision.Rule.EXTENSION_MANAGER_DISABLED -> "The extension manager is disabled";
            case Decision.Rule.INVALID_CONFIG -> "The local configuration is invalid";
            default -> decision.message();
        };
    }
}
