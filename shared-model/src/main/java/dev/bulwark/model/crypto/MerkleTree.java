package dev.bulwark.model.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0, section 2.1) over SHA-256: leaf hashes
 * {@code SHA-256(0x00 || data)}, interior nodes {@code SHA-256(0x01 || left || right)}, unbalanced trees
 * split at the largest power of two. Written here rather than taken from a library because it is twenty
 * lines of the RFC and sits on the signature path, where every line must be reviewed anyway.
 */
public final class MerkleTree {
    public static final int HASH_SIZE = 32;

    private final List<byte[]> leaves;
    private final Map<Long, byte[]> subtrees = new HashMap<>();

    private MerkleTree(List<byte[]> leafHashes) {
        this.leaves = leafHashes;
    }

    /** A tree over leaf hashes ({@link #leafHash}); at least one. */
    public static MerkleTree of(List<byte[]> leafHashes) {
        if (leafHashes.isEmpty()) {
            throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
        }
        return new MerkleTree(List.copyOf(leafHashes));
    }

    public static byte[] leafHash(byte[] data) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x00);
        return sha.digest(data);
    }

    public int size() {
        return leaves.size();
    }

    public byte[] root() {
        return hash(0, leaves.size()).clone();
    }

    /** The inclusion proof of leaf {@code index}: sibling hashes from the leaf up to the root (RFC 9162 2.1.3.1). */
    public List<byte[]> path(int index) {
        if (index < 0 || index >= leaves.size()) {
            throw new IndexOutOfBoundsException(index);
        }
        List<byte[]> path = new ArrayList<>();
        path(index, 0, leaves.size(), path);
        return path;
    }

    private void path(int index, int start, int end, List<byte[]> out) {
        if (end - start == 1) {
            return;
        }
        int split = start + largestPowerOfTwoBelow(end - start);
        if (index < split) {
            path(index, start, split, out);
            out.add(hash(split, end));
        } else {
            path(index, split, end, out);
            out.add(hash(start, split));
        }
    }

    /** MTH(D[start:end]), memoized: building every leaf's path costs one hash per node, not per path. */
    private byte[] hash(int start, int end) {
        if (end - start == 1) {
            return leaves.get(start);
        }
        long key = (long) start << 32 | end;
        byte[] known = subtrees.get(key);
        if (known == null) {
            int split = start + largestPowerOfTwoBelow(end - start);
            known = node(hash(start, split), hash(split, end));
            subtrees.put(key, known);
        }
        return known;
    }

    /**
     * The root that {@code path} proves for leaf {@code leafHash} at {@code index} of a tree of {@code size}
     * leaves (RFC 9162 2.1.3.2), or null when the proof is malformed (wrong length, index out of range).
     * The caller compares the result with a root it trusts; a tampered leaf or path yields another root.
     */
    public static byte[] rootFromPath(byte[] leafHash, long index, long size, List<byte[]> path) {
        if (index < 0 || index >= size || leafHash.length != HASH_SIZE) {
            return null;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0 || p == null || p.length != HASH_SIZE) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = node(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    private static byte[] node(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x01);
        sha.update(left);
        return sha.digest(right);
    }

    private static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
