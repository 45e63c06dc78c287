package dev.bulwark.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.SealedSettings;
import dev.bulwark.model.crypto.MessageSigner;
import dev.bulwark.model.crypto.SealedBox;
import dev.bulwark.model.crypto.Ed25519;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.function.IntConsumer;

/**
 * {@code ./bulwark bench}: what one message costs on this machine, per step, single-threaded. These
 * bound how many operations per second one agent JVM (verify + sign per operation) and the cloud
 * (sign + seal per operation, verify per result) can handle. Figures go to docs/benchmarks.md.
 */
public final class Benchmarks {
    private static final int WARMUP = 2_000;
    private static final int ROUNDS = 5_000;

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Path docs = BulwarkSystem.checkout().resolve("docs/messages");
        ExtensionOperation operation = Json.decode(Files.readAllBytes(docs.resolve("extension-operation.json")),
                ExtensionOperation.class, ExtensionOperation.SCHEMA_VERSION);
        KeyPair cloud = Ed25519.generate();
        KeyPair machine = SealedBox.generateKeyPair();
        byte[] wire = Json.encode(MessageSigner.sign(operation, cloud.getPrivate()));
        byte[] secret = "{\"token\":\"benchmark\"}".getBytes(StandardCharsets.UTF_8);
        SealedSettings sealed = SealedBox.seal(secret, machine.getPublic(), operation.machineId(), operation.operationId());

        System.out.printf("Per-message costs, one thread, %d rounds after %d warm-up (operation of %d bytes)%n%n",
                ROUNDS, WARMUP, wire.length);
        System.out.printf("  %-44s %10s %12s%n", "step", "us/op", "ops/s");
        measure("encode ExtensionOperation to JSON", i -> Json.encode(operation));
        measure("decode ExtensionOperation from JSON", i -> Json.decode(wire, ExtensionOperation.class, 1));
        measure("sign (canonical bytes + Ed25519)", i -> MessageSigner.sign(operation, cloud.getPrivate()));
        measure("verify (parse + canonical bytes + Ed25519)", i -> {
            JsonNode tree = Json.tree(wire);
            if (!MessageSigner.verify(tree, cloud.getPublic())) {
                throw new IllegalStateException("signature did not verify");
            }
        });
        measure("seal protected settings (X25519 + AES-GCM)", i ->
                SealedBox.seal(secret, machine.getPublic(), operation.machineId(), operation.operationId()));
        measure("open protected settings", i -> {
            try {
                SealedBox.open(sealed, machine.getPrivate(), operation.machineId(), operation.operationId());
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        measure("generate a machine identity (Ed25519 + X25519)", i -> {
            Ed25519.generate();
            SealedBox.generateKeyPair();
        });
    }

    private static void measure(String step, IntConsumer work) {
        for (int i = 0; i < WARMUP; i++) {
            work.accept(i);
        }
        long start = System.nanoTime();
        for (int i = 0; i < ROUNDS; i++) {
            work.accept(i);
        }
        double micros = (System.nanoTime() - start) / 1_000.0 / ROUNDS;
        System.out.printf("  %-44s %10.1f %12.0f%n", step, micros, 1_000_000 / micros);
    }
}
