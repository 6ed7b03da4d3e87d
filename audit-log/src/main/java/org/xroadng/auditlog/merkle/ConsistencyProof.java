package org.xroadng.auditlog.merkle;

import java.util.List;
import java.util.Objects;

/**
 * A consistency proof (RFC 9162 section 2.1.4.1): the hashes showing that the tree of
 * {@code size2} leaves extends the tree of {@code size1} leaves. Immutable: the hashes are copied
 * in and out. Creation checks 0 <= size1 <= size2 and 32-byte hashes; the length and the
 * arithmetic are checked by {@link #verify}.
 */
public final class ConsistencyProof {

    private final long size1;
    private final long size2;
    private final List<byte[]> path;

    public ConsistencyProof(long size1, long size2, List<byte[]> path) {
        if (size1 < 0 || size1 > size2) {
            throw new IllegalArgumentException("no consistency proof from size " + size1 + " to " + size2);
        }
        this.size1 = size1;
        this.size2 = size2;
        this.path = InclusionProof.copyHashes(path);
    }

    public long size1() {
        return size1;
    }

    public long size2() {
        return size2;
    }

    /** The proof hashes in RFC 9162 order; a fresh copy. */
    public List<byte[]> path() {
        return InclusionProof.copyHashes(path);
    }

    /** Checks that {@code root2} (of size2 leaves) is an append-only extension of {@code root1}. */
    public void verify(byte[] root1, byte[] root2) throws ProofVerificationException {
        ProofVerifier.verifyConsistency(size1, size2, root1, root2, path);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsistencyProof other && size1 == other.size1 && size2 == other.size2
                && InclusionProof.sameHashes(path, other.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size1, size2, InclusionProof.hashOf(path));
    }

    @Override
    public String toString() {
        return "ConsistencyProof{size1=" + size1 + ", size2=" + size2 + ", path="
                + InclusionProof.format(path) + "}";
    }
}
