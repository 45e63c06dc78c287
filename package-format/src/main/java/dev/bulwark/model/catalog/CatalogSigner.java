package dev.bulwark.model.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.Canonical;
import dev.bulwark.model.Json;
import dev.bulwark.model.crypto.Ed25519;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Signs catalogs with one Ed25519 key: the publisher's offline key ({@code bulwark publisher sign}) and the
 * cloud's online catalog key use this same class. A catalog may carry several signatures (one per key) so
 * machines that trust the old key and machines that trust the new one both accept it during a rotation.
 */
public final class CatalogSigner {
    /**
     * Domain separation: what is signed is this prefix followed by the canonical bytes, so a catalog signature
     * can never be mistaken for the signature of any other JSON message, even if someone reuses a key.
     */
    public static final String DOMAIN = "bulwark-catalog-v1\n";

    private static final ObjectWriter FILE_WRITER = Json.MAPPER.writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private final PrivateKey privateKey;
    private final String keyId;

    public CatalogSigner(KeyPair keyPair) {
        if (!Ed25519.ALGORITHM.equals(keyPair.getPrivate().getAlgorithm())
                && !"EdDSA".equals(keyPair.getPrivate().getAlgorithm())) {
            throw new IllegalArgumentException("catalog keys are Ed25519, not " + keyPair.getPrivate().getAlgorithm());
        }
        byte[] probe = "bulwark key pair check".getBytes(StandardCharsets.UTF_8);
        if (!Ed25519.verify(keyPair.getPublic(), probe, Ed25519.sign(keyPair.getPrivate(), probe))) {
            throw new IllegalArgumentException("the private and public catalog keys do not belong together");
        }
        this.privateKey = keyPair.getPrivate();
        this.keyId = TrustedKeys.keyId(keyPair.getPublic());
    }

    public String keyId() {
        return keyId;
    }

    /**
     * Adds this key's signature (replacing an earlier one by the same key, keeping the others).
     *
     * @throws IllegalArgumentException if the catalog breaks a structural rule ({@link Catalog#problem()})
     */
    public Catalog sign(Catalog catalog) {
        catalog.problem().ifPresent(problem -> {
            throw new IllegalArgumentException("refusing to sign an invalid catalog: " + problem);
        });
        byte[] signed = signedBytes(Json.tree(Json.encode(catalog.withSignatures(List.of()))));
        List<Catalog.KeySignature> signatures = new ArrayList<>();
        for (Catalog.KeySignature existing : catalog.signatures()) {
            if (!keyId.equals(existing.keyId())) {
                signatures.add(existing);
            }
        }
        signatures.add(new Catalog.KeySignature(keyId, Ed25519.sign(privateKey, signed)));
        return catalog.withSignatures(signatures);
    }

    /** The catalog file as written to disk and served: indented JSON, '\n' line ends, UTF-8. */
    public static byte[] encode(Catalog catalog) {
        try {
            byte[] json = FILE_WRITER.writeValueAsBytes(catalog);
            byte[] out = new byte[json.length + 1];
            System.arraycopy(json, 0, out, 0, json.length);
            out[json.length] = '\n';
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The bytes every catalog signature covers: {@link #DOMAIN} then {@link Canonical} bytes of the catalog
     * tree without {@code signatures} (keys sorted, compact, UTF-8). Computed by the verifier from the tree it
     * received, so fields it does not know are covered too.
     */
    public static byte[] signedBytes(JsonNode catalogTree) {
        ObjectNode copy = ((ObjectNode) catalogTree).deepCopy();
        copy.remove(Catalog.SIGNATURES_FIELD);
        byte[] canonical = Canonical.bytesOfTree(copy);
        byte[] domain = DOMAIN.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[domain.length + canonical.length];
        System.arraycopy(domain, 0, out, 0, domain.length);
        System.arraycopy(canonical, 0, out, domain.length, canonical.length);
        return out;
    }
}
