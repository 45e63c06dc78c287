package dev.bulwark.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.SealedSettings;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import dev.bulwark.model.crypto.OperationBatchSigner;
import dev.bulwark.model.crypto.OperationVerifier;
import dev.bulwark.model.crypto.SealedBox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * {@code ./bulwark bench}: what one message costs on this machine, per step, single-threaded, each also as a
 * multiple of decoding the operation from JSON measured in the same run (the machine is shared and noisy:
 * ratios move less than microseconds). These bound how many operations per second the cloud (sign, seal,
 * verify results) and one agent JVM (verify operations, sign results) can do. Figures go to docs/benchmarks.md.
 */
public final class Benchmarks {
    private static final int WARMUP = 2_000;
    private static final int ROUNDS = 5_000;
    private static final int BATCH = 1_000;

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Path docs = BulwarkSystem.checkout().resolve("docs/messages");
        ExtensionOperation operation = Json.decode(Files.readAllBytes(docs.resolve("extension-operation.json")),
                ExtensionOperation.class, ExtensionOperation.SCHEMA_VERSION);
        KeyPair cloud = Ed25519.generate();
        Ed25519.SigningKey cloudKey = Ed25519.signingKey(cloud.getPrivate());
        KeyPair machine = SealedBox.generateKeyPair();
        KeyPair machineSigning = Ed25519.generate();
        List<ExtensionOperation> batch = batch(operation);
        List<ExtensionOperation> signedBatch = OperationBatchSigner.sign(batch, cloudKey);
        byte[] wire = Json.encode(signedBatch.get(BATCH / 2));
        byte[] secret = "{\"token\":\"benchmark\"}".getBytes(StandardCharsets.UTF_8);
        SealedSettings sealed = SealedBox.seal(secret, machine.getPublic(), operation.machineId(), operation.operationId());
        OperationResult result = new OperationResult(OperationResult.SCHEMA_VERSION, operation.operationId(),
                operation.machineId(), "logs", operation.kind(), ResultStatus.Succeeded, null, "enabled", null, null,
                Instant.now(), null);
        byte[] resultWire = Json.encode(MessageSigner.sign(result, machineSigning.getPrivate()));
        Ed25519.VerifyingKey machineKey = Ed25519.verifyingKey(machineSigning.getPublic());
        OperationVerifier verifier = new OperationVerifier(Ed25519.verifyingKey(cloud.getPublic()));
        SealedBox.Sealer sealer = SealedBox.sealer();
        Ed25519.SigningKey resultKey = Ed25519.signingKey(machineSigning.getPrivate());

        System.out.printf("Per-message costs, one thread, %d rounds after %d warm-up (operation of %d bytes on the wire,"
                + " batches of %d)%n%n", ROUNDS, WARMUP, wire.length, BATCH);
        double unit = measure("decode ExtensionOperation from JSON (the unit)", i -> Json.decode(wire, ExtensionOperation.class,
                ExtensionOperation.SCHEMA_VERSION), 1, Double.NaN);
        System.out.println("  cloud, per operation sent:");
        measure("  sign one operation alone (batch of 1)", i -> OperationBatchSigner.sign(List.of(operation), cloudKey), 1, unit);
        measure("  sign a batch of " + BATCH + ", per operation", i -> OperationBatchSigner.sign(batch, cloudKey), BATCH, unit);
        measure("  seal protected settings (fresh ephemeral key)", i ->
                SealedBox.seal(secret, machine.getPublic(), operation.machineId(), operation.operationId()), 1, unit);
        measure("  seal protected settings (one ephemeral per request)", i ->
                sealer.seal(secret, machine.getPublic(), operation.machineId(), operation.operationId()), 1, unit);
        measure("  encode ExtensionOperation to JSON", i -> Json.encode(operation), 1, unit);
        System.out.println("  cloud, per result received:");
        measure("  verify a result (parse + canonical bytes + Ed25519)", i -> {
            if (!MessageSigner.verify(Json.tree(resultWire), machineKey)) {
                throw new IllegalStateException("the result did not verify");
            }
        }, 1, unit);
        System.out.println("  agent, per operation received:");
        measure("  verify its batch signature (root remembered)", i -> {
            JsonNode tree = Json.tree(wire);
            if (!verifier.verify(tree)) {
                throw new IllegalStateException("the operation did not verify");
            }
        }, 1, unit);
        measure("  verify its batch signature (root not seen yet)", i -> {
            if (!new OperationVerifier(Ed25519.verifyingKey(cloud.getPublic())).verify(Json.tree(wire))) {
                throw new IllegalStateException("the operation did not verify");
            }
        }, 1, unit);
        measure("  open protected settings", i -> {
            try {
                SealedBox.open(sealed, machine.getPrivate(), operation.machineId(), operation.operationId());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }, 1, unit);
        measure("  sign its result (key parsed once)", i -> MessageSigner.sign(result, resultKey), 1, unit);
        measure("  sign its result (key parsed every time)", i -> MessageSigner.sign(result, machineSigning.getPrivate()), 1, unit);
        measure("generate a machine identity (Ed25519 + X25519)", i -> {
            Ed25519.generate();
            SealedBox.generateKeyPair();
        }, 1, unit);
    }

    private static List<ExtensionOperation> batch(ExtensionOperation template) {
        List<ExtensionOperation> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            batch.add(new ExtensionOperation(template.schemaVersion(), template.operationId() + "-" + i,
                    template.correlationId(), template.machineId() + "-" + i, template.sequence(), template.kind(),
                    template.extension(), template.packageRef(), template.catalog(), template.issuedAt(), null));
        }
        return batch;
    }

    /** Runs {@code work} (which handles {@code perCall} messages) and prints microseconds per message and x unit. */
    private static double measure(String step, IntConsumer work, int perCall, double unit) {
        int rounds = Math.max(1, ROUNDS / perCall);
        for (int i = 0; i < Math.max(1, WARMUP / perCall); i++) {
            work.accept(i);
        }
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            work.accept(i);
        }
        double micros = (System.nanoTime() - start) / 1_000.0 / rounds / perCall;
        System.out.printf("  %-54s %9.1f us %10.0f/s %8s%n", step, micros, 1_000_000 / micros,
                Double.isNaN(unit) ? "1.0x" : String.format("%.1fx", micros / unit));
        return micros;
    }
}
