package org.xroadng.auditlog.merkle.internal;

import java.util.ArrayList;
import java.util.List;
import org.xroadng.auditlog.merkle.MerkleHashes;

/**
 * Roots and proofs (RFC 9162 sections 2.1.1, 2.1.3.1 and 2.1.4.1) built from complete-subtree
 * hashes. Every range the RFC recursion reaches starts at a multiple of its split point, so
 * {@code MTH(D[a:b])} is the hashes of at most log2(b - a) + 1 complete subtrees combined along
 * the right edge: a root costs O(log n) lookups, a proof O(log^2 n), never a pass over the leaves.
 */
public final class TreeProofs {

    private TreeProofs() {
    }

    /** {@code MTH(D[0:size])}. */
    public static <E extends Exception> byte[] root(long size, SubtreeSource<E> source) throws E {
        return size == 0 ? MerkleHashes.emptyRoot() : range(0, size, source);
    }

    /** {@code PATH(index, D[0:size])}, leaf side first. */
    public static <E extends Exception> List<byte[]> inclusion(long index, long size, SubtreeSource<E> source)
            throws E {
        List<byte[]> path = new ArrayList<>();
        path(index, 0, size, source, path);
        return path;
    }

    /** {@code PROOF(size1, D[0:size2])}; empty when size1 is 0 or equals size2. */
    public static <E extends Exception> List<byte[]> consistency(long size1, long size2, SubtreeSource<E> source)
            throws E {
        List<byte[]> proof = new ArrayList<>();
        if (size1 > 0 && size1 < size2) {
            subproof(size1, 0, size2, true, source, proof);
        }
        return proof;
    }

    /** {@code MTH(D[from:to])} for a range the RFC recursion reaches (from aligned to its split). */
    static <E extends Exception> byte[] range(long from, long to, SubtreeSource<E> source) throws E {
        long n = to - from;
        if (Long.bitCount(n) == 1) {
            int height = Long.numberOfTrailingZeros(n);
            return source.hash(height, from >>> height);
        }
        long k = MerkleHashes.splitPoint(n);
        return MerkleHashes.nodeHash(range(from, from + k, source), range(from + k, to, source));
    }

    // RFC 9162 section 2.1.3.1: PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) if m < k,
    // PATH(m - k, D[k:n]) : MTH(D[0:k]) otherwise; with m and the range in absolute leaf indexes.
    private static <E extends Exception> void path(long m, long from, long to, SubtreeSource<E> source,
            List<byte[]> out) throws E {
        long n = to - from;
        if (n <= 1) {
            return;
        }
        long k = MerkleHashes.splitPoint(n);
        if (m < from + k) {
            path(m, from, from + k, source, out);
            out.add(range(from + k, to, source));
        } else {
            path(m, from + k, to, source, out);
            out.add(range(from, from + k, source));
        }
    }

    // RFC 9162 section 2.1.4.1: SUBPROOF(m, D[n], b).
    private static <E extends Exception> void subproof(long m, long from, long to, boolean whole,
            SubtreeSource<E> source, List<byte[]> out) throws E {
        long n = to - from;
        if (m == n) {
            if (!whole) {
                out.add(range(from, to, source));
            }
            return;
        }
        long k = MerkleHashes.splitPoint(n);
        if (m <= k) {
            subproof(m, from, from + k, whole, source, out);
            out.add(range(from + k, to, source));
        } else {
            subproof(m - k, from + k, to, false, source, out);
            out.add(range(from, from + k, source));
        }
    }
}
