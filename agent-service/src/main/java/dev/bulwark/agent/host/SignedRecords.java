package dev.bulwark.agent.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.agent.identity.KeyFingerprint;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.Json;
import dev.bulwark.model.MessageFormatException;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.MessageSigner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What every record the cloud sends a machine ({@value Topics#EXTENSION_OPERATIONS},
 * {@value Topics#GUEST_ASSIGNMENTS}) must pass before the machine reads it as a message: JSON, for this
 * machine (the value's {@code machineId} is the record's key), and signed by the cloud key the machine
 * trusted at connect. A record that fails is dead-lettered to its topic's {@code .dlq}, byte for byte.
 */
final class SignedRecords {
    private SignedRecords() {
    }

    /** The record's JSON tree, checked; throws {@link MessageFormatException} with the dead-letter reason. */
    static JsonNode verifiedTree(Machine machine, ConsumerRecord<byte[], byte[]> record) {
        JsonNode tree = Json.tree(record.value());
        JsonNode machineId = tree.get("machineId");
        if (machineId == null || !machineId.isTextual()) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "machineId is missing");
        }
        if (!machineId.textValue().equals(machine.machineId())) {
            throw new MessageFormatException(DeadLetter.Reason.MachineIdMismatch, "the record key is "
                    + machine.machineId() + " but the message names machine " + machineId.textValue());
        }
        if (!MessageSigner.verify(tree, machine.cloudKey())) {
            throw new MessageFormatException(DeadLetter.Reason.SignatureInvalid, "the signature is missing or does not"
                    + " verify with the cloud key this machine trusts ("
                    + KeyFingerprint.of(Base64.getEncoder().encodeToString(machine.cloudKey().getEncoded())) + ")");
        }
        return tree;
    }

    /** The record byte for byte, to its topic's dead-letter topic, with why and where it came from. */
    static ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record, MessageFormatException why) {
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(Topics.deadLetter(record.topic()), record.key(), record.value());
        letter.headers()
                .add(DeadLetter.REASON, why.reason().name().getBytes(StandardCharsets.UTF_8))
                .add(DeadLetter.DETAIL, String.valueOf(why.getMessage()).getBytes(StandardCharsets.UTF_8))
                .add(DeadLetter.SOURCE_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8))
                .add(DeadLetter.SOURCE_PARTITION, String.valueOf(record.partition()).getBytes(StandardCharsets.UTF_8))
                .add(DeadLetter.SOURCE_OFFSET, String.valueOf(record.offset()).getBytes(StandardCharsets.UTF_8));
        return letter;
    }
}
