package org.xroadng.auditlog.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.xroadng.auditlog.merkle.Rfc6962Vectors.hex;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleHashesTest {

    @Test
    void ctTestTree_treeHashMatchesPublishedRoots() {
        List<byte[]> leaves = Rfc6962Vectors.leaves();
        for (int n = 1; n <= 8; n++) {
            assertEquals(Rfc6962Vectors.ROOTS[n - 1], hex(MerkleHashes.treeHash(leaves.subList(0, n))), "size " + n);
        }
    }

    @Test
    void emptyList_hashesToSha256OfNothing() {
        assertEquals(Rfc6962Vectors.EMPTY_ROOT, hex(MerkleHashes.emptyRoot()));
        assertEquals(Rfc6962Vectors.EMPTY_ROOT, hex(MerkleHashes.treeHash(List.of())));
    }

    @Test
    void singleLeaf_isSha256OfZeroPrefixedData() throws NoSuchAlgorithmException {
        byte[] data = hex("00");
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(new byte[] {0x00, 0x00});
        assertArrayEquals(expected, MerkleHashes.leafHash(data));
        assertEquals(Rfc6962Vectors.ROOTS[0], hex(MerkleHashes.leafHash(new byte[0])));
    }

    @Test
    void nodeOfTwoHashes_isSha256OfOnePrefixedConcatenation() throws NoSuchAlgorithmException {
        byte[] left = MerkleHashes.leafHash(new byte[0]);
        byte[] right = MerkleHashes.leafHash(hex("00"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) 0x01);
        sha.update(left);
        sha.update(right);
        assertArrayEquals(sha.digest(), MerkleHashes.nodeHash(left, right));
        assertEquals(Rfc6962Vectors.ROOTS[1], hex(MerkleHashes.nodeHash(left, right)));
    }

    @Test
    void leafWithNodeBytes_doesNotCollideWithNode() {
        byte[] left = MerkleHashes.leafHash(hex("00"));
        byte[] right = MerkleHashes.leafHash(hex("10"));
        byte[] concatenation = new byte[64];
        System.arraycopy(left, 0, concatenation, 0, 32);
        System.arraycopy(right, 0, concatenation, 32, 32);
        assertFalse(Arrays.equals(MerkleHashes.nodeHash(left, right), MerkleHashes.leafHash(concatenation)));
    }

    @Test
    void splitPoint_isLargestPowerOfTwoBelowN() {
        long[][] cases = {{2, 1}, {3, 2}, {4, 2}, {5, 4}, {8, 4}, {9, 8}, {1024, 512}, {1025, 1024}};
        for (long[] c : cases) {
            assertEquals(c[1], MerkleHashes.splitPoint(c[0]), "n=" + c[0]);
        }
        assertThrows(IllegalArgumentException.class, () -> MerkleHashes.splitPoint(1));
    }

    @Test
    void nodeHashOfShortChild_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> MerkleHashes.nodeHash(new byte[31], new byte[32]));
    }
}
