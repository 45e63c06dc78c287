package dev.bulwark.model.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.ExtensionSpec;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One cloud signature per batch: every machine still verifies its own operation on its own, and nothing
 * about an operation can change (for one machine, or by swapping proofs) without it being refused.
 */
class OperationBatchSignerTest {
    private static final KeyPair CLOUD = Ed25519.generate();
    private static final Ed25519.SigningKey SIGNER = Ed25519.signingKey(CLOUD.getPrivate());

    @Property(tries = 30)
    void everyOperationOfABatchVerifiesOnItsOwn(@ForAll @IntRange(min = 1, max = 70) int size) {
        List<JsonNode> received = wire(OperationBatchSigner.sign(batch(size), SIGNER));

        for (JsonNode operation : received) {
            // A fresh verifier per operation: as if each machine were alone in its agent process.
            assertThat(verifier().verify(operation)).isTrue();
        }
    }

    @Property(tries = 30)
    void aTamperedOperationForOneMachineIsRefusedAndTheOthersStillVerify(@ForAll @IntRange(min = 2, max = 70) int size,
                                                                         @ForAll @IntRange(min = 0, max = 69) int anyVictim) {
        int victim = anyVictim % size;
        OperationVerifier verifier = verifier();
        List<JsonNode> received = wire(OperationBatchSigner.sign(batch(size), SIGNER));
        assertThat(verifier.verify(received.get((victim + 1) % size))).isTrue(); // the root is now remembered

        ((ObjectNode) received.get(victim).get("extension")).put("version", "6.6.6");

        assertThat(verifier.verify(received.get(victim))).isFalse();
        for (int i = 0; i < size; i++) {
            if (i != victim) {
                assertThat(verifier.verify(received.get(i))).isTrue();
            }
        }
    }

    @Test
    void aProofOfAnotherOperationDoesNotVerifyThisOne() {
        List<JsonNode> received = wire(OperationBatchSigner.sign(batch(8), SIGNER));
        ObjectNode first = (ObjectNode) received.get(0);
        first.set("signature", received.get(1).get("signature").deepCopy());

        assertThat(verifier().verify(first)).isFalse();
    }

    @Test
    void anotherKeyAForgedRootSignatureOrAMalformedSignatureIsRefused() {
        JsonNode operation = wire(OperationBatchSigner.sign(batch(4), SIGNER)).get(2);
        OperationVerifier otherCloud = new OperationVerifier(Ed25519.verifyingKey(Ed25519.generate().getPublic()));
        assertThat(otherCloud.verify(operation)).isFalse();

        OperationVerifier verifier = verifier();
        for (int bit = 0; bit < 512; bit += 37) {
            ObjectNode forged = operation.deepCopy();
            byte[] signature = Base64.getDecoder().decode(forged.get("signature").get("rootSignature").textValue());
            signature[bit / 8] ^= (byte) (1 << (bit % 8));
            ((ObjectNode) forged.get("signature")).put("rootSignature", Base64.getEncoder().encodeToString(signature));
            assertThat(verifier.verify(forged)).as("bit %d", bit).isFalse();
        }
        for (String field : List.of("index", "size")) {
            ObjectNode moved = operation.deepCopy();
            ((ObjectNode) moved.get("signature")).put(field, moved.get("signature").get(field).longValue() + 1);
            assertThat(verifier.verify(moved)).as(field + " + 1").isFalse();
        }
        for (String field : List.of("rootSignature", "index", "size", "path")) {
            ObjectNode broken = operation.deepCopy();
            ((ObjectNode) broken.get("signature")).put(field, "x");
            assertThat(verifier.verify(broken)).as(field).isFalse();
        }
        ObjectNode unsigned = operation.deepCopy();
        unsigned.remove("signature");
        assertThat(verifier.verify(unsigned)).isFalse();
        ObjectNode stringSigned = operation.deepCopy();
        stringSigned.put("signature", Ed25519.sign(CLOUD.getPrivate(), new byte[]{1}));
        assertThat(verifier.verify(stringSigned)).isFalse();
    }

    @Test
    void aRememberedRootVouchesOnlyForLeavesWhoseProofLeadsToIt() {
        OperationVerifier verifier = verifier();
        List<JsonNode> received = wire(OperationBatchSigner.sign(batch(4), SIGNER));
        assertThat(verifier.verify(received.get(0))).isTrue();

        List<ExtensionOperation> others = batch(4).stream().map(o -> new ExtensionOperation(o.schemaVersion(), o.operationId(),
                "another request", o.machineId(), o.sequence(), o.kind(), o.extension(), null, null, o.issuedAt(), null)).toList();
        ObjectNode outsider = wire(OperationBatchSigner.sign(others, SIGNER)).get(0).deepCopy();
        ObjectNode signature = (ObjectNode) outsider.get("signature");
        signature.put("rootSignature", received.get(0).get("signature").get("rootSignature").textValue());

        assertThat(verifier.verify(outsider)).isFalse();
    }

    @Test
    void theSequenceIsSignedSoAnOldOperationCannotBeRenumbered() {
        ObjectNode operation = (ObjectNode) wire(OperationBatchSigner.sign(batch(3), SIGNER)).get(1);
        assertThat(verifier().verify(operation)).isTrue();

        operation.put("sequence", operation.get("sequence").longValue() + 100);

        assertThat(verifier().verify(operation)).isFalse();
    }

    @Test
    void aPathHashInNonCanonicalBase64IsRefused() {
        ObjectNode operation = (ObjectNode) wire(OperationBatchSigner.sign(batch(2), SIGNER)).get(0);
        ArrayNode path = (ArrayNode) operation.get("signature").get("path");
        String hash = path.get(0).textValue(); // 32 bytes: 43 characters and one '=', the last 2 bits are padding
        char last = hash.charAt(42);
        String sameBytes = hash.substring(0, 42) + (char) (last + 1) + "=";
        path.set(0, Json.MAPPER.getNodeFactory().textNode(sameBytes));

        assertThat(Base64.getDecoder().decode(sameBytes)).isEqualTo(Base64.getDecoder().decode(hash));
        assertThat(verifier().verify(operation)).isFalse();
    }

    private static OperationVerifier verifier() {
        return new OperationVerifier(Ed25519.verifyingKey(CLOUD.getPublic()));
    }

    private static List<JsonNode> wire(List<ExtensionOperation> signed) {
        return signed.stream().map(operation -> Json.tree(Json.encode(operation))).toList();
    }

    private static List<ExtensionOperation> batch(int size) {
        List<ExtensionOperation> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ObjectNode settings = Json.MAPPER.createObjectNode().put("workspace", "w-" + i);
            batch.add(new ExtensionOperation(ExtensionOperation.SCHEMA_VERSION, "op-" + i, "corr", "machine-" + i, 7,
                    OperationKind.INSTALL, new ExtensionSpec("agent", "Contoso", "Agent", "1.0", settings, null), null, null,
                    Instant.parse("2026-12-01T12:00:00Z"), null));
        }
        return batch;
    }
}
