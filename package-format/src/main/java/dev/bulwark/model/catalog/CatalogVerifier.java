package dev.bulwark.model.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.bulwark.model.Json;
import dev.bulwark.model.Signed;
import dev.bulwark.model.crypto.Ed25519;

import java.io.IOException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import static dev.bulwark.model.catalog.VerificationFailure.CatalogExpired;
import static dev.bulwark.model.catalog.VerificationFailure.CatalogKeyUntrusted;
import static dev.bulwark.model.catalog.VerificationFailure.CatalogMalformed;
import static dev.bulwark.model.catalog.VerificationFailure.CatalogSignatureInvalid;

/**
 * Checks a received catalog against a set of trusted keys: strict JSON, at least one valid signature by a
 * trusted key, valid structure; then, against a clock, its expiry. Rollback needs the machine's history
 * and is the agent's ({@code CatalogHistory}).
 */
public final class CatalogVerifier {
    public static final int MAX_CATALOG_BYTES = 64 * 1024 * 1024;
    private static final int ED25519_SIGNATURE_BYTES = 64;

    /** Duplicate keys and trailing bytes are refused: two parsers must never read two different catalogs. */
    private static final ObjectReader STRICT_TREE = Json.MAPPER.reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectReader CATALOG = Json.MAPPER.readerFor(Catalog.class)
            .with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .with(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final TrustedKeys trusted;

    public CatalogVerifier(TrustedKeys trusted) {
        this.trusted = trusted;
    }

    /** Signature, structure and expiry. */
    public VerifiedCatalog verify(byte[] catalogBytes, Instant now) throws VerificationException {
        VerifiedCatalog verified = verifySignature(catalogBytes);
        checkFresh(verified, now);
        return verified;
    }

    /** Everything that depends only on the bytes and the trusted keys (so a verdict can be cached). */
    public VerifiedCatalog verifySignature(byte[] catalogBytes) throws VerificationException {
        JsonNode tree = parse(catalogBytes);
        List<Catalog.KeySignature> signatures = signaturesOf(tree);
        if (trusted.isEmpty()) {
            throw new VerificationException(CatalogKeyUntrusted, "no catalog keys are trusted on this machine");
        }
        if (signatures.isEmpty()) {
            throw new VerificationException(CatalogSignatureInvalid, "the catalog is not signed");
        }
        byte[] signed = CatalogSigner.signedBytes(tree);
        String goodKey = null;
        boolean sawTrustedKey = false;
        for (Catalog.KeySignature signature : signatures) {
            PublicKey key = trusted.get(signature.keyId()).orElse(null);
            if (key == null) {
                continue;
            }
            sawTrustedKey = true;
            if (isCanonicalSignature(signature.sig()) && Ed25519.verify(key, signed, signature.sig())) {
                goodKey = signature.keyId();
                break;
            }
        }
        if (goodKey == null) {
            if (sawTrustedKey) {
                throw new VerificationException(CatalogSignatureInvalid,
                        "the catalog's signature by a trusted key does not verify: the catalog was changed after signing");
            }
            throw new VerificationException(CatalogKeyUntrusted, "the catalog is signed by "
                    + signatures.stream().map(s -> TrustedKeys.shortId(s.keyId())).collect(Collectors.joining(", "))
                    + ", none of which this machine trusts (trusted: "
                    + trusted.keyIds().stream().map(TrustedKeys::shortId).collect(Collectors.joining(", ")) + ")");
        }
        Catalog catalog = decode(tree);
        return new VerifiedCatalog(catalog, Sha256.hex(signed), goodKey);
    }

    /** Refuses a catalog whose {@code expires} is not after {@code now} (the agent's clock). */
    public static void checkFresh(VerifiedCatalog verified, Instant now) throws VerificationException {
        Instant expires = verified.catalog().expires();
        if (!now.isBefore(expires)) {
            throw new VerificationException(CatalogExpired, "catalog version " + verified.version() + " expired at "
                    + expires + " (this machine's clock says " + now + ")");
        }
    }

    private static JsonNode parse(byte[] bytes) throws VerificationException {
        if (bytes == null || bytes.length == 0) {
            throw new VerificationException(CatalogMalformed, "the catalog is empty");
        }
        if (bytes.length > MAX_CATALOG_BYTES) {
            throw new VerificationException(CatalogMalformed, "the catalog is larger than " + MAX_CATALOG_BYTES + " bytes");
        }
        JsonNode tree;
        try {
            tree = STRICT_TREE.readTree(bytes);
        } catch (IOException e) {
            throw new VerificationException(CatalogMalformed, "the catalog is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (tree == null || !tree.isObject()) {
            throw new VerificationException(CatalogMalformed, "the catalog is not a JSON object");
        }
        if (tree.has(Signed.SIGNATURE_FIELD)) {
            // Canonical bytes leave "signature" out; a catalog must not have a field its signature does not cover.
            throw new VerificationException(CatalogMalformed, "the catalog has a 'signature' field; signatures go in 'signatures'");
        }
        return tree;
    }

    private static List<Catalog.KeySignature> signaturesOf(JsonNode tree) throws VerificationException {
        JsonNode node = tree.get(Catalog.SIGNATURES_FIELD);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new VerificationException(CatalogMalformed, "'signatures' is not an array");
        }
        List<Catalog.KeySignature> out = new ArrayList<>();
        for (JsonNode item : node) {
            JsonNode keyId = item.get("keyId");
            JsonNode sig = item.get("sig");
            if (keyId == null || !keyId.isTextual() || sig == null || !sig.isTextual()) {
                throw new VerificationException(CatalogMalformed, "every signature needs a textual keyId and sig");
            }
            out.add(new Catalog.KeySignature(keyId.textValue(), sig.textValue()));
        }
        return out;
    }

    /**
     * The JDK's base64 decoder ignores the unused low bits of the last character, so several strings decode
     * to the same signature. Only the one canonical spelling is accepted: any changed bit is refused.
     */
    static boolean isCanonicalSignature(String base64) {
        try {
            byte[] raw = Base64.getDecoder().decode(base64);
            return raw.length == ED25519_SIGNATURE_BYTES && Base64.getEncoder().encodeToString(raw).equals(base64);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Catalog decode(JsonNode tree) throws VerificationException {
        Catalog catalog;
        try {
            catalog = CATALOG.treeToValue(tree, Catalog.class);
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new VerificationException(CatalogMalformed, "the catalog does not match the catalog schema: "
                    + firstLine(e.getMessage()));
        }
        if (catalog == null) {
            throw new VerificationException(CatalogMalformed, "the catalog is empty");
        }
        String problem = catalog.problem().orElse(null);
        if (problem != null) {
            throw new VerificationException(CatalogMalformed, problem);
        }
        return catalog;
    }

    private static String firstLine(String text) {
        String value = String.valueOf(text);
        int newline = value.indexOf('\n');
        return newline < 0 ? value : value.substring(0, newline);
    }
}
