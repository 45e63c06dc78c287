package dev.bulwark.model.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.Json;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Properties of the catalog's canonical encoding and signature, over random catalogs. */
class CatalogCanonicalPropertiesTest {
    private static final CatalogSigner SIGNER = new CatalogSigner(TestKit.KEY);
    private static final CatalogVerifier VERIFIER = new CatalogVerifier(TrustedKeys.of(TestKit.KEY.getPublic()));

    @Property(tries = 150)
    void signThenVerifyGivesBackTheSameCatalog(@ForAll("catalogs") Catalog catalog) throws Exception {
        Catalog signed = SIGNER.sign(catalog);

        VerifiedCatalog verified = VERIFIER.verify(CatalogSigner.encode(signed), catalog.issuedAt());

        assertThat(verified.catalog()).isEqualTo(signed);
    }

    @Property(tries = 400)
    void anySingleBitFlipIsRefused(@ForAll("catalogs") Catalog catalog, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE - 1) int where) {
        byte[] file = CatalogSigner.encode(SIGNER.sign(catalog));
        int bit = where % (file.length * 8);
        file[bit / 8] ^= (byte) (1 << (bit % 8));

        assertThatThrownBy(() -> VERIFIER.verify(file, catalog.issuedAt()))
                .as("bit %d (byte %d) flipped", bit, bit / 8)
                .isInstanceOf(VerificationException.class);
    }

    @Property(tries = 100)
    void everyBitOfTheSignatureMatters(@ForAll("catalogs") Catalog catalog, @ForAll @IntRange(min = 0, max = 511) int bit) {
        Catalog signed = SIGNER.sign(catalog);
        byte[] raw = java.util.Base64.getDecoder().decode(signed.signatures().get(0).sig());
        raw[bit / 8] ^= (byte) (1 << (bit % 8));
        Catalog forged = signed.withSignatures(List.of(new Catalog.KeySignature(SIGNER.keyId(),
                java.util.Base64.getEncoder().encodeToString(raw))));

        assertThatThrownBy(() -> VERIFIER.verify(CatalogSigner.encode(forged), catalog.issuedAt()))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(VerificationFailure.CatalogSignatureInvalid));
    }

    @Property(tries = 100)
    void canonicalBytesIgnoreFieldOrderAndWhitespace(@ForAll("catalogs") Catalog catalog, @ForAll long seed) {
        JsonNode tree = Json.tree(CatalogSigner.encode(SIGNER.sign(catalog)));
        JsonNode shuffled = shuffle(tree, new Random(seed));

        assertThat(CatalogSigner.signedBytes(shuffled)).isEqualTo(CatalogSigner.signedBytes(tree));
    }

    @Provide
    Arbitrary<Catalog> catalogs() {
        Arbitrary<Instant> issued = Arbitraries.longs().between(0, 4_000_000_000L)
                .flatMap(s -> Arbitraries.integers().between(0, 999_999_999).map(n -> Instant.ofEpochSecond(s, n)));
        return Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE), issued,
                        Arbitraries.longs().between(1, 10L * 365 * 86400), packages().list().ofMaxSize(3))
                .as((version, at, validFor, packages) -> Catalog.unsigned(version, at, at.plus(Duration.ofSeconds(validFor)),
                        unique(packages)));
    }

    private Arbitrary<Catalog.PackageEntry> packages() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ019._+-").ofMinLength(0).ofMaxLength(12)
                .map(s -> "P" + s);
        Arbitrary<Catalog.FileEntry> file = Combinators.combine(
                Arbitraries.strings().withChars("abz09._-/ é日\"\\").ofMinLength(1).ofMaxLength(24),
                Arbitraries.longs().between(0, 1L << 40), hex())
                .as(Catalog.FileEntry::new);
        return Combinators.combine(name, name, name, Arbitraries.longs().between(1, 1L << 31), hex(),
                        file.list().ofMaxSize(4).uniqueElements(f -> f.path().toLowerCase(java.util.Locale.ROOT)))
                .as((p, t, v, length, sha, files) -> new Catalog.PackageEntry(p, t, v, new Catalog.Digest(length, sha), files));
    }

    private Arbitrary<String> hex() {
        return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
    }

    private static List<Catalog.PackageEntry> unique(List<Catalog.PackageEntry> packages) {
        List<Catalog.PackageEntry> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Catalog.PackageEntry p : packages) {
            if (seen.add(p.extension().key() + "@" + p.version())) {
                out.add(p);
            }
        }
        return out;
    }

    private static JsonNode shuffle(JsonNode node, Random random) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.shuffle(names, random);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            names.forEach(n -> out.set(n, shuffle(node.get(n), random)));
            return out;
        }
        if (node.isArray()) {
            var out = JsonNodeFactory.instance.arrayNode();
            node.forEach(child -> out.add(shuffle(child, random)));
            return out;
        }
        return node;
    }
}
