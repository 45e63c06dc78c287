package dev.bulwark.model.crypto;

import dev.bulwark.model.BatchSignature;
import dev.bulwark.model.Canonical;
import dev.bulwark.model.ExtensionOperation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Signs a batch of extension operations with one Ed25519 signature (see {@link BatchSignature}): the leaves
 * are the operations' {@link Canonical} bytes, the signed message is {@link #ROOT_DOMAIN}, the batch size
 * (8 bytes, big-endian) and the 32-byte root. The domain prefix keeps a root signature from ever being read
 * as the signature of a JSON message (canonical JSON starts with '{'), and the reverse; the size binds each
 * proof's index and size to what was signed.
 *
 * <p>Why: the cloud signs every operation it sends, and a fleet-wide rollout sends one per machine. One
 * signature per batch instead of per operation takes signing off the rollout's critical path, while each
 * machine still verifies its own operation independently (a proof of a dozen hashes) and refuses any
 * change to it.
 */
public final class OperationBatchSigner {
    static final byte[] ROOT_DOMAIN = "bulwark extension-operations batch root v1\n".getBytes(StandardCharsets.US_ASCII);

    private OperationBatchSigner() {
    }

    /** The operations in the same order, each with its batch signature. */
    public static List<ExtensionOperation> sign(List<ExtensionOperation> batch, Ed25519.SigningKey key) {
        List<byte[]> leaves = new ArrayList<>(batch.size());
        for (ExtensionOperation operation : batch) {
            leaves.add(MerkleTree.leafHash(Canonical.bytesOf(operation.withSignature(null))));
        }
        MerkleTree tree = MerkleTree.of(leaves);
        String rootSignature = Base64.getEncoder().encodeToString(key.signRaw(signedBytes(batch.size(), tree.root())));
        Base64.Encoder b64 = Base64.getEncoder();
        List<ExtensionOperation> signed = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            List<String> path = tree.path(i).stream().map(b64::encodeToString).toList();
            signed.add(batch.get(i).withSignature(new BatchSignature(rootSignature, i, batch.size(), path)));
        }
        return signed;
    }

    static byte[] signedBytes(long size, byte[] root) {
        return ByteBuffer.allocate(ROOT_DOMAIN.length + Long.BYTES + root.length).put(ROOT_DOMAIN).putLong(size).put(root).array();
    }
}
