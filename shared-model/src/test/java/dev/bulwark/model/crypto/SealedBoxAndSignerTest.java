package dev.bulwark.model.crypto;

import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.SealedSettings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trips of the protected-settings box and of message signatures. */
class SealedBoxAndSignerTest {
    private static final KeyPair MACHINE = SealedBox.generateKeyPair();
    private static final byte[] SECRET = "{\"apiKey\":\"s3cret\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSealedBoxOpensForItsMachineAndOperation() throws Exception {
        SealedSettings box = SealedBox.seal(SECRET, MACHINE.getPublic(), "machine-1", "op-1");

        assertThat(SealedBox.open(box, MACHINE.getPrivate(), "machine-1", "op-1")).isEqualTo(SECRET);
        assertThat(box.ciphertext()).doesNotContain("s3cret");
    }

    @Test
    void aSealedBoxSurvivesJsonAndEncodedKeys() throws Exception {
        SealedSettings box = Json.MAPPER.readValue(Json.encode(SealedBox.seal(SECRET, MACHINE.getPublic(), "m", "o")),
                SealedSettings.class);
        var privateKey = SealedBox.decodePrivate(Base64.getEncoder().encodeToString(MACHINE.getPrivate().getEncoded()));

        assertThat(SealedBox.open(box, privateKey, "m", "o")).isEqualTo(SECRET);
    }

    @Test
    void aSealedBoxDoesNotOpenForAnotherMachineOperationOrKey() {
        SealedSettings box = SealedBox.seal(SECRET, MACHINE.getPublic(), "machine-1", "op-1");

        assertThatThrownBy(() -> SealedBox.open(box, MACHINE.getPrivate(), "machine-2", "op-1")).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> SealedBox.open(box, MACHINE.getPrivate(), "machine-1", "op-2")).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> SealedBox.open(box, SealedBox.generateKeyPair().getPrivate(), "machine-1", "op-1"))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void boxesSealedWithOneEphemeralKeyOpenEachForItsOwnMachineAndOperationOnly() throws Exception {
        KeyPair other = SealedBox.generateKeyPair();
        SealedBox.Sealer sealer = SealedBox.sealer();
        SealedSettings first = sealer.seal(SECRET, MACHINE.getPublic(), "machine-1", "op-1");
        SealedSettings second = sealer.seal(SECRET, other.getPublic(), "machine-2", "op-2");

        assertThat(first.ephemeralPublicKey()).isEqualTo(second.ephemeralPublicKey());
        assertThat(first.nonce()).isNotEqualTo(second.nonce());
        assertThat(SealedBox.open(first, MACHINE.getPrivate(), "machine-1", "op-1")).isEqualTo(SECRET);
        assertThat(SealedBox.open(second, other.getPrivate(), "machine-2", "op-2")).isEqualTo(SECRET);
        assertThatThrownBy(() -> SealedBox.open(second, MACHINE.getPrivate(), "machine-2", "op-2"))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> SealedBox.open(first, other.getPrivate(), "machine-1", "op-1"))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aChangedCiphertextByteIsRefused() {
        SealedSettings box = SealedBox.seal(SECRET, MACHINE.getPublic(), "m", "o");
        byte[] ciphertext = Base64.getDecoder().decode(box.ciphertext());
        ciphertext[0] ^= 1;
        SealedSettings tampered = new SealedSettings(box.alg(), box.ephemeralPublicKey(), box.nonce(),
                Base64.getEncoder().encodeToString(ciphertext));

        assertThatThrownBy(() -> SealedBox.open(tampered, MACHINE.getPrivate(), "m", "o")).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aSignedMessageVerifiesFromTheBytesReceived() {
        KeyPair cloud = Ed25519.generate();
        OperationResult signed = MessageSigner.sign(message(), cloud.getPrivate());

        assertThat(MessageSigner.verify(Json.tree(Json.encode(signed)), cloud.getPublic())).isTrue();
        assertThat(MessageSigner.verify(Json.tree(Json.encode(signed)), Ed25519.generate().getPublic())).isFalse();
    }

    @Test
    void aChangedOrUnsignedMessageFailsVerification() {
        KeyPair cloud = Ed25519.generate();
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.tree(Json.encode(MessageSigner.sign(message(), cloud.getPrivate())));
        tree.put("machineId", "another-machine");
        var unsigned = Json.tree(Json.encode(message()));

        assertThat(MessageSigner.verify(tree, cloud.getPublic())).isFalse();
        assertThat(MessageSigner.verify(unsigned, cloud.getPublic())).isFalse();
    }

    @Test
    void keysRoundTripThroughTheirEncodings() {
        KeyPair pair = Ed25519.generate();
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        String sig = Ed25519.sign(Ed25519.decodePrivate(Ed25519.encodePrivate(pair.getPrivate())), data);

        assertThat(Ed25519.verify(Ed25519.decodePublic(Ed25519.encodePublic(pair.getPublic())), data, sig)).isTrue();
        assertThat(Ed25519.verify(pair.getPublic(), data, "not base64!")).isFalse();
        assertThatThrownBy(() -> Ed25519.decodePublic("bm90IGEga2V5")).isInstanceOf(IllegalArgumentException.class);
    }

    private static OperationResult message() {
        return new OperationResult(OperationResult.SCHEMA_VERSION, "op-1", "machine-1", "agent", OperationKind.INSTALL,
                ResultStatus.Succeeded, null, "done", null, null, Instant.parse("2025-06-01T12:00:00Z"), null);
    }
}
