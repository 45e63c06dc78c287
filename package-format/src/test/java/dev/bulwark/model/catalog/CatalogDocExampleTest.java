package dev.bulwark.model.catalog;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code docs/catalog-and-threat-model.md} shows a real signed catalog and names every reason code. */
class CatalogDocExampleTest {
    private static final Path DOC = Path.of(System.getProperty("bulwark.docs.dir", "../docs"), "catalog-and-threat-model.md");

    @Test
    void theExampleCatalogVerifiesWithTheExamplePublicKey() throws Exception {
        String doc = Files.readString(DOC);
        String key = block(doc, "<!-- example:public-key -->");
        byte[] catalog = block(doc, "<!-- example:catalog -->").getBytes(StandardCharsets.UTF_8);
        CatalogVerifier verifier = new CatalogVerifier(TrustedKeys.of(KeyFiles.parsePublic(key, "the example key")));
        java.time.Instant issuedAt = verifier.verifySignature(catalog).catalog().issuedAt();

        VerifiedCatalog verified = verifier.verify(catalog, issuedAt);

        assertThat(verified.version()).isEqualTo(7);
        assertThat(doc).contains(verified.keyId());
    }

    @Test
    void everyReasonCodeIsDocumented() throws Exception {
        String doc = Files.readString(DOC);

        for (VerificationFailure reason : VerificationFailure.values()) {
            assertThat(doc).as(reason.name()).contains("`" + reason.name() + "`");
        }
    }

    /** The fenced block that follows a marker comment. */
    private static String block(String doc, String marker) {
        int at = doc.indexOf(marker);
        assertThat(at).as(marker).isNotNegative();
        int open = doc.indexOf("```", at);
        int start = doc.indexOf('\n', open) + 1;
        int end = doc.indexOf("```", start);
        return doc.substring(start, end);
    }
}
