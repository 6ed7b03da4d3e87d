package org.xroadng.auditlog.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * An inclusion proof (RFC 9162 section 2.1.3.1): the audit path showing that leaf {@code index} is
 * in the tree of {@code size} leaves. Immutable: the path and its hashes are copied in and out.
 * Creation checks 0 <= index < size and 32-byte hashes; the length of the path and the arithmetic
 * are checked by {@link #verify}.
 */
public final class InclusionProof {

    private final long index;
    private final long size;
    private final List<byte[]> path;

    public InclusionProof(long index, long size, List<byte[]> path) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf index " + index + " is not in a tree of " + size);
        }
        this.index = index;
        this.size = size;
        this.path = copyHashes(path);
    }

    public long index() {
        return index;
    }

    public long size() {
        return size;
    }

    /** The audit path, leaf side first; a fresh copy. */
    public List<byte[]> path() {
        return copyHashes(path);
    }

    /**
     * Checks that {@code leafHash} (see {@link MerkleHashes#leafHash}) is leaf {@link #index()} of
     * the tree of {@link #size()} leaves with this {@code root}.
     */
    public void verify(byte[] leafHash, byte[] root) throws ProofVerificationException {
        ProofVerifier.verifyInclusion(index, size, leafHash, path, root);
    }

    static List<byte[]> copyHashes(List<byte[]> hashes) {
        Objects.requireNonNull(hashes, "path");
        List<byte[]> copy = new ArrayList<>(hashes.size());
        for (byte[] h : hashes) {
            Objects.requireNonNull(h, "proof hash");
            if (h.length != MerkleHashes.HASH_SIZE) {
                throw new IllegalArgumentException("proof hash has " + h.length + " bytes, expected "
                        + MerkleHashes.HASH_SIZE);
            }
            copy.add(h.clone());
        }
        return Collections.unmodifiableList(copy);
    }

    static boolean sameHashes(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    static int hashOf(List<byte[]> hashes) {
        int h = 1;
        for (byte[] b : hashes) {
            h = 31 * h + Arrays.hashCode(b);
        }
        return h;
    }

    static String format(List<byte[]> hashes) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < hashes.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(HexFormat.of().formatHex(hashes.get(i)));
        }
        return s.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InclusionProof other && index == other.index && size == other.size
                && sameHashes(path, other.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, size, hashOf(path));
    }

    @Override
    public String toString() {
        return "InclusionProof{index=" + index + ", size=" + size + ", path=" + format(path) + "}";
    }
}
