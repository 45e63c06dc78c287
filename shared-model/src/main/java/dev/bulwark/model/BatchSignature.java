package dev.bulwark.model;

import java.util.List;
import java.util.Objects;

/**
 * The cloud's signature of one {@link ExtensionOperation}, issued for a batch of operations at once: an
 * Ed25519 signature of the root of a Merkle tree whose leaves are the batch's operations, plus this
 * operation's inclusion proof. Each machine checks its own operation on its own (the proof leads from
 * its canonical bytes to the signed root), so a tampered operation is refused just as with a signature of
 * its own; the cloud signs once per batch, and an agent hosting many machines verifies each root once.
 * See {@link dev.bulwark.model.crypto.OperationBatchSigner} and docs/messages.md.
 *
 * @param rootSignature base64 Ed25519 signature of the batch's root (with a domain prefix)
 * @param index         this operation's leaf in the batch, from 0
 * @param size          how many operations the batch holds (a single operation: 1, with an empty path)
 * @param path          base64 SHA-256 sibling hashes from the leaf up to the root (RFC 9162 2.1.3)
 */
public record BatchSignature(String rootSignature, long index, long size, List<String> path) {
    public BatchSignature {
        Objects.requireNonNull(rootSignature, "rootSignature");
        path = path == null ? List.of() : List.copyOf(path);
    }
}
