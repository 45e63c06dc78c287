package dev.bulwark.model.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.BatchSignature;
import dev.bulwark.model.Canonical;
import dev.bulwark.model.Signed;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a received extension operation against the one cloud key a machine trusts (see
 * {@link BatchSignature}): the operation's canonical bytes, through its inclusion proof, must lead to a
 * root that key signed. One instance per trusted key serves every machine of an agent process that trusts
 * it, and remembers the roots it has verified, so a batch sent to thousands of hosted machines costs one
 * signature check for all of them plus a few hashes each. Only verified roots are remembered: a forged
 * root never enters the cache, and a root in the cache vouches only for leaves whose proof leads to it.
 */
public final class OperationVerifier {
    /** Roots remembered at most; more distinct batches in flight than this only cost re-verification. */
    static final int REMEMBERED_ROOTS = 4096;
    private static final int MAX_PATH = 64;

    private final Ed25519.VerifyingKey cloudKey;
    private final Set<ByteBuffer> verifiedRoots = ConcurrentHashMap.newKeySet();

    public OperationVerifier(Ed25519.VerifyingKey cloudKey) {
        this.cloudKey = cloudKey;
    }

    /** True when the received operation is exactly what the trusted cloud key signed; never throws for bad input. */
    public boolean verify(JsonNode received) {
        JsonNode signature = received.get(Signed.SIGNATURE_FIELD);
        if (signature == null || !signature.isObject()) {
            return false;
        }
        try {
            byte[] rootSignature = strictBase64(text(signature, "rootSignature"));
            long size = number(signature, "size");
            byte[] root = MerkleTree.rootFromPath(MerkleTree.leafHash(Canonical.bytesOfTree(received)),
                    number(signature, "index"), size, path(signature.get("path")));
            return root != null && rootVerified(OperationBatchSigner.signedBytes(size, root), rootSignature);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** @param signedRoot what the cloud signs for a batch: domain, size and root */
    private boolean rootVerified(byte[] signedRoot, byte[] rootSignature) {
        ByteBuffer entry = ByteBuffer.allocate(signedRoot.length + rootSignature.length).put(signedRoot).put(rootSignature).flip();
        if (verifiedRoots.contains(entry)) {
            return true;
        }
        if (!cloudKey.verifyRaw(signedRoot, rootSignature)) {
            return false;
        }
        if (verifiedRoots.size() >= REMEMBERED_ROOTS) {
            verifiedRoots.clear();
        }
        verifiedRoots.add(entry);
        return true;
    }

    /** Base64 that re-encodes to itself: the JDK decoder ignores padding bits, so two spellings would verify alike. */
    private static byte[] strictBase64(String text) {
        byte[] raw = Base64.getDecoder().decode(text);
        if (!Base64.getEncoder().encodeToString(raw).equals(text)) {
            throw new IllegalArgumentException("not canonical base64");
        }
        return raw;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(field + " is not text");
        }
        return value.textValue();
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(field + " is not an integer");
        }
        return value.longValue();
    }

    private static List<byte[]> path(JsonNode path) {
        if (path == null || !path.isArray() || path.size() > MAX_PATH) {
            throw new IllegalArgumentException("path is not an array of at most " + MAX_PATH + " hashes");
        }
        List<byte[]> hashes = new ArrayList<>(path.size());
        for (JsonNode hash : path) {
            if (!hash.isTextual()) {
                throw new IllegalArgumentException("path holds something other than base64 hashes");
            }
            hashes.add(strictBase64(hash.textValue()));
        }
        return hashes;
    }
}
