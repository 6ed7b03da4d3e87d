package org.xroadng.auditlog.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xroadng.protocol.crypto.Digests;

/**
 * The Merkle Tree Hash of RFC 6962 section 2.1 / RFC 9162 section 2.1.1 with SHA-256 and domain
 * separation: a leaf is {@code SHA-256(0x00 || data)}, an inner node {@code SHA-256(0x01 || left ||
 * right)}, so that no leaf can be presented as an inner node (second-preimage resistance) and the
 * empty tree hashes to {@code SHA-256("")}.
 */
public final class MerkleHashes {

    /** Bytes in every hash of the tree (SHA-256). */
    public static final int HASH_SIZE = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    private MerkleHashes() {
    }

    /** {@code SHA-256(0x00 || data)}: the hash of a leaf holding {@code data}. */
    public static byte[] leafHash(byte[] data) {
        Objects.requireNonNull(data, "data");
        MessageDigest sha256 = sha256();
        sha256.update(LEAF_PREFIX);
        sha256.update(data);
        return sha256.digest();
    }

    /** {@code SHA-256(0x01 || left || right)}: the hash of an inner node over two 32-byte children. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        requireHash(left, "left");
        requireHash(right, "right");
        MessageDigest sha256 = sha256();
        sha256.update(NODE_PREFIX);
        sha256.update(left);
        sha256.update(right);
        return sha256.digest();
    }

    /** {@code MTH({}) = SHA-256()}: the root of the empty tree. */
    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    /**
     * The Merkle Tree Hash of the entries (RFC 9162 section 2.1.1): each entry is leaf-hashed, and a
     * list of n > 1 is split after the largest power of two k < n into {@code MTH(D[0:k])} and
     * {@code MTH(D[k:n])}. Computes every node; for large logs use a {@link MerkleLog}, which caches
     * complete subtrees.
     */
    public static byte[] treeHash(List<byte[]> entries) {
        List<byte[]> leafHashes = new ArrayList<>(entries.size());
        for (byte[] entry : entries) {
            leafHashes.add(leafHash(entry));
        }
        return treeHashOfLeafHashes(leafHashes);
    }

    /** The Merkle Tree Hash of a tree whose leaf hashes are given (each 32 bytes). */
    public static byte[] treeHashOfLeafHashes(List<byte[]> leafHashes) {
        for (byte[] h : leafHashes) {
            requireHash(h, "leaf hash");
        }
        if (leafHashes.isEmpty()) {
            return emptyRoot();
        }
        return subtree(leafHashes, 0, leafHashes.size());
    }

    /**
     * The largest power of two strictly less than {@code n} (n > 1): where RFC 9162 section 2.1.1
     * splits a list of n leaves.
     */
    public static long splitPoint(long n) {
        if (n < 2) {
            throw new IllegalArgumentException("a list of " + n + " leaves is not split");
        }
        return Long.highestOneBit(n - 1);
    }

    private static byte[] subtree(List<byte[]> leafHashes, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leafHashes.get(from).clone();
        }
        int k = (int) splitPoint(n);
        return nodeHash(subtree(leafHashes, from, from + k), subtree(leafHashes, from + k, to));
    }

    private static void requireHash(byte[] hash, String what) {
        Objects.requireNonNull(hash, what);
        if (hash.length != HASH_SIZE) {
            throw new IllegalArgumentException(what + " has " + hash.length + " bytes, expected " + HASH_SIZE);
        }
    }

    private static MessageDigest sha256() {
        return Digests.sha256();
    }
}
