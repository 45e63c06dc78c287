package dev.bulwark.model.catalog;

import dev.bulwark.model.crypto.Ed25519;

import java.security.PublicKey;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The catalog keys a machine trusts, by key id. Built from local configuration only (the agent's trust
 * folder, a key shipped with the agent, {@code --trust}); nothing received from the cloud ever adds one.
 */
public final class TrustedKeys {
    private final Map<String, PublicKey> byId;

    private TrustedKeys(Map<String, PublicKey> byId) {
        this.byId = byId;
    }

    public static TrustedKeys of(Collection<PublicKey> keys) {
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        for (PublicKey key : keys) {
            if (!Ed25519.ALGORITHM.equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm())) {
                throw new IllegalArgumentException("catalog keys are Ed25519, not " + key.getAlgorithm());
            }
            byId.put(keyId(key), key);
        }
        return new TrustedKeys(Map.copyOf(byId));
    }

    public static TrustedKeys of(PublicKey... keys) {
        return of(List.of(keys));
    }

    /** A key's id: lower-case hex SHA-256 of its X.509 (SubjectPublicKeyInfo) encoding. */
    public static String keyId(PublicKey key) {
        return Sha256.hex(key.getEncoded());
    }

    /** The first 16 hex digits, enough to tell keys apart in messages and file names. */
    public static String shortId(String keyId) {
        return keyId == null || keyId.length() < 16 ? String.valueOf(keyId) : keyId.substring(0, 16);
    }

    public Optional<PublicKey> get(String keyId) {
        return Optional.ofNullable(keyId == null ? null : byId.get(keyId));
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    /** Sorted key ids, also the cache key of a signature verdict. */
    public List<String> keyIds() {
        return List.copyOf(new TreeSet<>(byId.keySet()));
    }

    public TrustedKeys with(TrustedKeys more) {
        Map<String, PublicKey> merged = new LinkedHashMap<>(byId);
        merged.putAll(more.byId);
        return new TrustedKeys(Map.copyOf(merged));
    }
}
