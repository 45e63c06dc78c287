package dev.bulwark.agent.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.Json;
import dev.bulwark.model.MessageFormatException;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.MessageSigner;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.function.Predicate;

/**
 * What every record the cloud sends a machine ({@value Topics#EXTENSION_OPERATIONS},
 * {@value Topics#GUEST_ASSIGNMENTS}) must pass before the machine reads it as a message: JSON, for this
 * machine (the value's {@code machineId} is the record's key), and signed by the cloud key the machine
 * trusted at connect: operations by a batch signature ({@link dev.bulwark.model.BatchSignature}, checked by
 * the {@link CloudTrust}'s shared verifier), guest assignments each by a signature of their own; and no text in it
 * holds U+0000. A record that fails is dead-lettered to its topic's {@code .dlq}, byte for byte
 * ({@link dev.bulwark.model.DeadLetterRecords}).
 */
final class SignedRecords {
    private SignedRecords() {
    }

    /** An {@value Topics#EXTENSION_OPERATIONS} record's JSON tree, checked against the machine's batch-signing cloud key. */
    static JsonNode verifiedOperation(Machine machine, ConsumerRecord<byte[], byte[]> record) {
        CloudTrust cloud = machine.cloudTrust();
        return verifiedTree(machine, record, cloud, cloud.operations()::verify);
    }

    /** A {@value Topics#GUEST_ASSIGNMENTS} record's JSON tree, signed on its own by the machine's cloud key. */
    static JsonNode verifiedAssignment(Machine machine, ConsumerRecord<byte[], byte[]> record) {
        CloudTrust cloud = machine.cloudTrust();
        return verifiedTree(machine, record, cloud, tree -> MessageSigner.verify(tree, cloud.verifyingKey()));
    }

    /** The record's JSON tree, checked; throws {@link MessageFormatException} with the dead-letter reason. */
    private static JsonNode verifiedTree(Machine machine, ConsumerRecord<byte[], byte[]> record, CloudTrust cloud,
                                         Predicate<JsonNode> signedByCloud) {
        JsonNode tree = Json.tree(record.value());
        JsonNode machineId = tree.get("machineId");
        if (machineId == null || !machineId.isTextual()) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "machineId is missing");
        }
        if (!machineId.textValue().equals(machine.machineId())) {
            throw new MessageFormatException(DeadLetter.Reason.MachineIdMismatch, "the record key is "
                    + machine.machineId() + " but the message names machine " + machineId.textValue());
        }
        if (!signedByCloud.test(tree)) {
            throw new MessageFormatException(DeadLetter.Reason.SignatureInvalid, "the signature is missing or does not"
                    + " verify with the cloud key this machine trusts (" + cloud.fingerprint() + ")");
        }
        // The cloud's API refuses U+0000 in every text, so a genuine message never holds it; a name, path or setting
        // with it would reach file names, handler environments and C strings.
        String nul = Json.nulAt(tree);
        if (nul != null) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "a text holds a NUL character (U+0000)"
                    + (nul.isEmpty() ? "" : " in " + nul));
        }
        return tree;
    }
}
