package dev.bulwark.model.crypto;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The tree of RFC 9162 section 2.1, checked against the RFC's recursive definitions and a known vector. */
class MerkleTreeTest {

    @Property(tries = 200)
    void everyLeafsPathLeadsToTheRoot(@ForAll @IntRange(min = 1, max = 300) int size) {
        List<byte[]> leaves = leaves(size);
        MerkleTree tree = MerkleTree.of(leaves);

        assertThat(tree.root()).isEqualTo(mth(leaves));
        for (int i = 0; i < size; i++) {
            assertThat(MerkleTree.rootFromPath(leaves.get(i), i, size, tree.path(i))).as("leaf %d of %d", i, size)
                    .isEqualTo(tree.root());
        }
    }

    @Property(tries = 200)
    void aPathProvesOnlyItsOwnLeafAndIndex(@ForAll @IntRange(min = 2, max = 300) int size,
                                               @ForAll @IntRange(min = 0, max = 299) int anyIndex) {
        int index = anyIndex % size;
        List<byte[]> leaves = leaves(size);
        MerkleTree tree = MerkleTree.of(leaves);
        List<byte[]> path = tree.path(index);
        byte[] root = tree.root();

        int other = (index + 1) % size;
        assertThat(MerkleTree.rootFromPath(leaves.get(other), index, size, path)).isNotEqualTo(root);
        assertThat(MerkleTree.rootFromPath(leaves.get(index), other, size, path)).isNotEqualTo(root);
        assertThat(MerkleTree.rootFromPath(leaves.get(index), index, index, path)).isNull();
        if (!path.isEmpty()) {
            List<byte[]> changed = new ArrayList<>(path);
            byte[] sibling = changed.get(0).clone();
            sibling[0] ^= 1;
            changed.set(0, sibling);
            assertThat(MerkleTree.rootFromPath(leaves.get(index), index, size, changed)).isNotEqualTo(root);
            assertThat(MerkleTree.rootFromPath(leaves.get(index), index, size, path.subList(1, path.size()))).isNotEqualTo(root);
        }
    }

    @Test
    void aSingleLeafIsItsOwnRootWithAnEmptyPath() {
        byte[] leaf = MerkleTree.leafHash("one".getBytes(StandardCharsets.UTF_8));
        MerkleTree tree = MerkleTree.of(List.of(leaf));

        assertThat(tree.root()).isEqualTo(leaf);
        assertThat(tree.path(0)).isEmpty();
        assertThat(MerkleTree.rootFromPath(leaf, 0, 1, List.of())).isEqualTo(leaf);
    }

    @Test
    void theEmptyLeafHashIsTheKnownValue() {
        // SHA-256 of the single byte 0x00: the hash of an empty leaf (RFC 6962 test vectors).
        assertThat(HexFormat.of().formatHex(MerkleTree.leafHash(new byte[0])))
                .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    }

    /** MTH(D[n]) exactly as RFC 9162 2.1.1 defines it, over leaf hashes. */
    private static byte[] mth(List<byte[]> leaves) {
        if (leaves.size() == 1) {
            return leaves.get(0);
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        return node(mth(leaves.subList(0, k)), mth(leaves.subList(k, leaves.size())));
    }

    private static byte[] node(byte[] left, byte[] right) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((byte) 1);
            sha.update(left);
            return sha.digest(right);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<byte[]> leaves(int size) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            leaves.add(MerkleTree.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return leaves;
    }
}
