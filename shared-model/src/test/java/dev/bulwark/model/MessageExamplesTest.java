package dev.bulwark.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import dev.bulwark.model.crypto.OperationBatchSigner;
import dev.bulwark.model.crypto.OperationVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples in docs/messages/ are the documentation of the wire format: each must decode into its
 * record and encode back to the same JSON, so the docs cannot drift from the code.
 */
class MessageExamplesTest {

    static Stream<Arguments> examples() {
        return Stream.of(
                Arguments.of("extension-operation.json", ExtensionOperation.class, ExtensionOperation.SCHEMA_VERSION),
                Arguments.of("extension-result.json", OperationResult.class, OperationResult.SCHEMA_VERSION),
                Arguments.of("agent-report.json", AgentReport.class, AgentReport.SCHEMA_VERSION),
                Arguments.of("guest-assignment.json", GuestAssignment.class, GuestAssignment.SCHEMA_VERSION),
                Arguments.of("guest-compliance.json", GuestComplianceReport.class, GuestComplianceReport.SCHEMA_VERSION));
    }

    @ParameterizedTest(name = "{0} round-trips through {1}")
    @MethodSource("examples")
    void exampleDecodesAndEncodesToTheSameJson(String file, Class<?> type, int version) throws IOException {
        byte[] bytes = Files.readAllBytes(docs().resolve(file));

        Object decoded = Json.decode(bytes, type, version);

        JsonNode original = Json.MAPPER.readTree(bytes);
        assertThat(Json.MAPPER.readTree(Json.encode(decoded))).isEqualTo(original);
    }

    static Stream<Arguments> singlySigned() {
        return examples().filter(example -> Signed.class.isAssignableFrom((Class<?>) example.get()[1]));
    }

    @ParameterizedTest(name = "{0} verifies once signed, and not after a change")
    @MethodSource("singlySigned")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void signedExampleVerifiesAndATamperedOneDoesNot(String file, Class<?> type, int version) throws IOException {
        KeyPair sender = Ed25519.generate();
        Signed decoded = (Signed) Json.decode(Files.readAllBytes(docs().resolve(file)), type, version);

        byte[] wire = Json.encode(MessageSigner.sign(decoded, sender.getPrivate()));

        assertThat(MessageSigner.verify(Json.tree(wire), sender.getPublic())).isTrue();
        assertThat(MessageSigner.verify(Json.tree(wire), Ed25519.generate().getPublic())).isFalse();
        JsonNode tampered = Json.tree(wire);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tampered).put("machineId", "/subscriptions/x/other");
        assertThat(MessageSigner.verify(tampered, sender.getPublic())).isFalse();
    }

    @Test
    void theOperationExampleVerifiesOnceBatchSignedAndNotAfterAChange() throws IOException {
        KeyPair cloud = Ed25519.generate();
        ExtensionOperation example = Json.decode(Files.readAllBytes(docs().resolve("extension-operation.json")),
                ExtensionOperation.class, ExtensionOperation.SCHEMA_VERSION);

        byte[] wire = Json.encode(OperationBatchSigner.sign(List.of(example), Ed25519.signingKey(cloud.getPrivate())).get(0));

        OperationVerifier verifier = new OperationVerifier(Ed25519.verifyingKey(cloud.getPublic()));
        assertThat(verifier.verify(Json.tree(wire))).isTrue();
        assertThat(new OperationVerifier(Ed25519.verifyingKey(Ed25519.generate().getPublic())).verify(Json.tree(wire))).isFalse();
        JsonNode tampered = Json.tree(wire);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tampered).put("machineId", "/subscriptions/x/other");
        assertThat(verifier.verify(tampered)).isFalse();
    }

    private static Path docs() {
        return Path.of(System.getProperty("bulwark.docs.dir", "../docs"), "messages");
    }
}
