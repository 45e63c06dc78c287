package dev.bulwark.cloud.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cloud.repository.MachineRepository;
import dev.bulwark.model.DeadLetter.Reason;
import dev.bulwark.model.Json;
import dev.bulwark.model.MessageFormatException;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Turns a batch of agent records into verified messages: parses and checks the schema, checks that the
 * record key is the machineId inside, and verifies the signature with the machine's registered key
 * (one key query per batch). Everything refused is dead-lettered before the batch goes on. Parsing and
 * signature checks run on a worker thread, never on the event loop that delivered the batch.
 */
@ApplicationScoped
public class SignedRecordReader {
    /** Decoded machine keys: a machine's next message skips decoding its key (a fifth of a verification). */
    private static final int REMEMBERED_KEYS = 200_000;
    private final Map<String, Ed25519.VerifyingKey> verifyingKeys = new ConcurrentHashMap<>();

    @Inject
    MachineRepository machines;
    @Inject
    DeadLetterPublisher deadLetters;

    private record Parsed<T>(T message, JsonNode tree, String machineId, ConsumerRecord<byte[], byte[]> record) {
    }

    public <T> Uni<List<Verified<T>>> read(Iterable<ConsumerRecord<byte[], byte[]>> records, Class<T> type,
                                           int schemaVersion, Function<T, String> machineIdOf) {
        List<Rejected> rejected = new ArrayList<>();
        return Uni.createFrom().item(() -> parse(records, type, schemaVersion, machineIdOf, rejected))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(parsed -> {
                    Set<String> machineIds = new LinkedHashSet<>();
                    parsed.forEach(p -> machineIds.add(p.machineId()));
                    return Retries.onTransientFailure(machines.signingKeys(machineIds))
                            .emitOn(Infrastructure.getDefaultWorkerPool())
                            .map(keys -> verify(parsed, keys, rejected));
                })
                .call(verified -> Retries.onTransientFailure(deadLetters.send(rejected)));
    }

    private static <T> List<Parsed<T>> parse(Iterable<ConsumerRecord<byte[], byte[]>> records, Class<T> type,
                                             int schemaVersion, Function<T, String> machineIdOf, List<Rejected> rejected) {
        List<Parsed<T>> parsed = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                JsonNode tree = Json.tree(record.value());
                T message = Json.decodeTree(tree, type, schemaVersion);
                String machineId = machineIdOf.apply(message);
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                if (!machineId.equals(key)) {
                    rejected.add(new Rejected(record, Reason.MachineIdMismatch,
                            "record key '" + key + "' is not the machineId '" + machineId + "'"));
                } else {
                    parsed.add(new Parsed<>(message, tree, machineId, record));
                }
            } catch (MessageFormatException e) {
                rejected.add(new Rejected(record, e.reason(), e.getMessage()));
            }
        }
        return parsed;
    }

    private <T> List<Verified<T>> verify(List<Parsed<T>> parsed, Map<String, String> keys, List<Rejected> rejected) {
        List<Verified<T>> verified = new ArrayList<>();
        for (Parsed<T> p : parsed) {
            String encoded = keys.get(p.machineId());
            if (encoded == null) {
                rejected.add(new Rejected(p.record(), Reason.UnknownMachine, "machine '" + p.machineId() + "' is not registered"));
                continue;
            }
            if (MessageSigner.verify(p.tree(), verifyingKey(encoded))) {
                verified.add(new Verified<>(p.message(), p.record()));
            } else {
                rejected.add(new Rejected(p.record(), Reason.SignatureInvalid,
                        "signature does not verify with the signing key registered for '" + p.machineId() + "'"));
            }
        }
        return verified;
    }

    /** The key registered as {@code encoded} (checked at registration), decoded once while remembered. */
    private Ed25519.VerifyingKey verifyingKey(String encoded) {
        Ed25519.VerifyingKey key = verifyingKeys.get(encoded);
        if (key == null) {
            if (verifyingKeys.size() >= REMEMBERED_KEYS) {
                verifyingKeys.clear();
            }
            key = Ed25519.verifyingKey(Ed25519.decodePublic(encoded));
            verifyingKeys.put(encoded, key);
        }
        return key;
    }
}
