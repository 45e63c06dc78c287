package dev.bulwark.model.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.bulwark.model.catalog.TestKit.KEY;
import static dev.bulwark.model.catalog.TestKit.NOW;
import static dev.bulwark.model.catalog.TestKit.OTHER_KEY;
import static dev.bulwark.model.catalog.TestKit.catalog;
import static dev.bulwark.model.catalog.TestKit.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogVerifierTest {
    private final CatalogVerifier trustsKey = new CatalogVerifier(TrustedKeys.of(KEY.getPublic()));

    @Test
    void aSignedCatalogVerifiesAndDecodes() throws Exception {
        VerifiedCatalog verified = trustsKey.verify(signed(catalog(7), KEY), NOW);

        assertThat(verified.version()).isEqualTo(7);
        assertThat(verified.keyId()).isEqualTo(TrustedKeys.keyId(KEY.getPublic()));
        assertThat(verified.require(new ExtensionId("contoso.monitoring", "CONTOSOAGENT"), "1.2.0").files()).hasSize(2);
    }

    @Test
    void theFileHasExactlyTheDocumentedFields() {
        JsonNode tree = Json.tree(signed(catalog(7), KEY));

        assertThat(names(tree)).containsExactly("schemaVersion", "catalogVersion", "issuedAt", "expires", "packages", "signatures");
        assertThat(names(tree.get("packages").get(0))).containsExactly("publisher", "type", "version", "zip", "files");
        assertThat(names(tree.get("packages").get(0).get("zip"))).containsExactly("length", "sha256");
        assertThat(names(tree.get("packages").get(0).get("files").get(0))).containsExactly("path", "length", "sha256");
        assertThat(names(tree.get("signatures").get(0))).containsExactly("keyId", "sig");
        assertThat(tree.get("issuedAt").textValue()).isEqualTo("2025-06-01T11:00:00Z");
    }

    @Test
    void aChangedByteBreaksTheSignature() {
        byte[] bytes = signed(catalog(7), KEY);
        String text = new String(bytes, StandardCharsets.UTF_8).replace("\"catalogVersion\": 7", "\"catalogVersion\": 8");

        assertRefused(() -> trustsKey.verify(text.getBytes(StandardCharsets.UTF_8), NOW), VerificationFailure.CatalogSignatureInvalid);
    }

    @Test
    void aCatalogSignedByAnUnknownKeyIsUntrusted() {
        assertRefused(() -> trustsKey.verify(signed(catalog(7), OTHER_KEY), NOW), VerificationFailure.CatalogKeyUntrusted);
    }

    @Test
    void noTrustedKeysMeansNothingVerifies() {
        assertRefused(() -> new CatalogVerifier(TrustedKeys.of(List.of())).verify(signed(catalog(7), KEY), NOW),
                VerificationFailure.CatalogKeyUntrusted);
    }

    @Test
    void anUnsignedCatalogIsRefused() {
        assertRefused(() -> trustsKey.verify(CatalogSigner.encode(catalog(7)), NOW), VerificationFailure.CatalogSignatureInvalid);
    }

    @Test
    void anExpiredCatalogIsRefusedAtAndAfterItsExpiry() throws Exception {
        byte[] bytes = signed(catalog(7), KEY);
        trustsKey.verify(bytes, NOW.plus(Duration.ofDays(30)).minusMillis(1));

        assertRefused(() -> trustsKey.verify(bytes, NOW.plus(Duration.ofDays(30))), VerificationFailure.CatalogExpired);
    }

    @Test
    void rotationCatalogSignedByOldAndNewKeyVerifiesForMachinesTrustingEither() throws Exception {
        byte[] both = signed(catalog(9), KEY, OTHER_KEY);

        assertThat(new CatalogVerifier(TrustedKeys.of(KEY.getPublic())).verify(both, NOW).keyId())
                .isEqualTo(TrustedKeys.keyId(KEY.getPublic()));
        assertThat(new CatalogVerifier(TrustedKeys.of(OTHER_KEY.getPublic())).verify(both, NOW).keyId())
                .isEqualTo(TrustedKeys.keyId(OTHER_KEY.getPublic()));
    }

    @Test
    void reSigningWithAnotherKeyKeepsTheContentDigest() throws Exception {
        VerifiedCatalog byOld = trustsKey.verify(signed(catalog(9), KEY), NOW);
        VerifiedCatalog byBoth = trustsKey.verify(signed(catalog(9), KEY, OTHER_KEY), NOW);

        assertThat(byBoth.contentSha256()).isEqualTo(byOld.contentSha256());
    }

    @Test
    void aForgedSignatureUnderATrustedKeyIdIsInvalidNotUntrusted() {
        Catalog forged = new CatalogSigner(OTHER_KEY).sign(catalog(7));
        Catalog relabelled = forged.withSignatures(List.of(new Catalog.KeySignature(
                TrustedKeys.keyId(KEY.getPublic()), forged.signatures().get(0).sig())));

        assertRefused(() -> trustsKey.verify(CatalogSigner.encode(relabelled), NOW), VerificationFailure.CatalogSignatureInvalid);
    }

    @Test
    void duplicateJsonKeysAreRefusedSoNoTwoParsersReadDifferentCatalogs() {
        String text = new String(signed(catalog(7), KEY), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"catalogVersion\": 999,");

        assertRefused(() -> trustsKey.verify(text.getBytes(StandardCharsets.UTF_8), NOW), VerificationFailure.CatalogMalformed);
    }

    @Test
    void trailingBytesAreRefused() {
        String text = new String(signed(catalog(7), KEY), StandardCharsets.UTF_8) + "{}";

        assertRefused(() -> trustsKey.verify(text.getBytes(StandardCharsets.UTF_8), NOW), VerificationFailure.CatalogMalformed);
    }

    @Test
    void aTopLevelSignatureFieldIsRefusedBecauseCanonicalBytesLeaveItOut() {
        ObjectNode tree = (ObjectNode) Json.tree(signed(catalog(7), KEY));
        tree.put("signature", "anything");

        assertRefused(() -> trustsKey.verify(Json.encode(tree), NOW), VerificationFailure.CatalogMalformed);
    }

    @Test
    void unknownFieldsAreCoveredByTheSignature() throws Exception {
        ObjectNode tree = (ObjectNode) Json.tree(CatalogSigner.encode(catalog(7)));
        tree.put("futureField", "x");
        byte[] signed = signWithTree(tree);
        trustsKey.verify(signed, NOW);

        ObjectNode changed = (ObjectNode) Json.tree(signed);
        changed.put("futureField", "y");
        assertRefused(() -> trustsKey.verify(Json.encode(changed), NOW), VerificationFailure.CatalogSignatureInvalid);
    }

    @Test
    void reformattingTheJsonDoesNotBreakTheSignature() throws Exception {
        byte[] compact = Json.encode(Json.tree(signed(catalog(7), KEY)));

        assertThat(trustsKey.verify(compact, NOW).version()).isEqualTo(7);
    }

    @Test
    void onlyTheCanonicalBase64SpellingOfASignatureIsAccepted() {
        Catalog good = new CatalogSigner(KEY).sign(catalog(7));
        String sig = good.signatures().get(0).sig();
        // The character before "==" carries 4 unused bits: the JDK decodes several spellings to the same bytes.
        byte[] raw = java.util.Base64.getDecoder().decode(sig);
        String sameBytes = null;
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray()) {
            String variant = sig.substring(0, sig.length() - 3) + c + "==";
            if (!variant.equals(sig) && java.util.Arrays.equals(raw, java.util.Base64.getDecoder().decode(variant))) {
                sameBytes = variant;
                break;
            }
        }
        String lenient = sameBytes;
        Catalog respelled = good.withSignatures(List.of(new Catalog.KeySignature(good.signatures().get(0).keyId(), lenient)));

        assertThat(lenient).as("the JDK accepts another spelling").isNotNull();
        assertThat(CatalogVerifier.isCanonicalSignature(sig)).isTrue();
        assertThat(CatalogVerifier.isCanonicalSignature(lenient)).isFalse();
        assertThat(CatalogVerifier.isCanonicalSignature(sig.substring(0, sig.length() - 2))).isFalse();
        assertRefused(() -> trustsKey.verify(CatalogSigner.encode(respelled), NOW), VerificationFailure.CatalogSignatureInvalid);
    }

    @Test
    void structuralRulesAreChecked() {
        Catalog badName = Catalog.unsigned(7, NOW, NOW.plusSeconds(60),
                List.of(TestKit.entry("../../etc", "ContosoAgent", "1.0")));
        Catalog twice = Catalog.unsigned(7, NOW, NOW.plusSeconds(60),
                List.of(TestKit.entry("Contoso", "Agent", "1.0"), TestKit.entry("contoso", "agent", "1.0")));
        Catalog backwards = Catalog.unsigned(7, NOW, NOW.minusSeconds(60), List.of());

        assertThat(badName.problem()).hasValueSatisfying(p -> assertThat(p).contains("publisher, type and version"));
        assertThat(twice.problem()).hasValueSatisfying(p -> assertThat(p).contains("listed twice"));
        assertThat(backwards.problem()).hasValueSatisfying(p -> assertThat(p).contains("expires must be after"));
        assertThatThrownBy(() -> new CatalogSigner(KEY).sign(badName)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSignedButStructurallyInvalidCatalogIsMalformed() {
        ObjectNode tree = (ObjectNode) Json.tree(CatalogSigner.encode(catalog(7)));
        ((ObjectNode) tree.get("packages").get(0).get("zip")).put("sha256", "not-hex");

        assertRefused(() -> trustsKey.verify(signWithTree(tree), NOW), VerificationFailure.CatalogMalformed);
    }

    @Test
    void notJsonAtAllIsMalformed() {
        assertRefused(() -> trustsKey.verify("PK\u0003\u0004".getBytes(StandardCharsets.ISO_8859_1), NOW),
                VerificationFailure.CatalogMalformed);
        assertRefused(() -> trustsKey.verify(new byte[0], NOW), VerificationFailure.CatalogMalformed);
    }

    /** Signs an arbitrary tree the way CatalogSigner does, for catalogs the record type cannot express. */
    static byte[] signWithTree(ObjectNode tree) {
        tree.remove(Catalog.SIGNATURES_FIELD);
        String sig = dev.bulwark.model.crypto.Ed25519.sign(KEY.getPrivate(), CatalogSigner.signedBytes(tree));
        ObjectNode signature = tree.putArray(Catalog.SIGNATURES_FIELD).addObject();
        signature.put("keyId", TrustedKeys.keyId(KEY.getPublic()));
        signature.put("sig", sig);
        return Json.encode(tree);
    }

    static void assertRefused(ThrowingCall call, VerificationFailure reason) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(VerificationException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
