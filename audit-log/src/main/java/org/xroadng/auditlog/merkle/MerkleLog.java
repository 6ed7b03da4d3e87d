package org.xroadng.auditlog.merkle;

import java.util.List;

/**
 * An append-only log of opaque entries kept as a Merkle tree (RFC 9162 section 2.1): entry i is
 * leaf i, hashed {@code SHA-256(0x00 || entry)}.
 *
 * <p>Guarantees: indexes are assigned densely from 0 in append order and an entry, once appended,
 * is never changed or removed, so the root at any size ever reached stays the same forever. A
 * root at size n together with {@link #inclusion} and {@link #consistency} proofs lets anyone who
 * holds only that root check, with {@link ProofVerifier}, that an entry is in the log and that a
 * later root extends it. The log itself is not trusted: a verifier compares against a root it got
 * from a signed checkpoint. Appends are safe from several threads.
 *
 * <p>Sizes and indexes outside the log are programming errors ({@link IllegalArgumentException}).
 */
public interface MerkleLog {

    /** Appends an entry (copied) and returns its index; visible to readers once this returns. */
    long append(byte[] entry);

    /**
     * Appends the entries in order with consecutive indexes and returns the index of the first (the
     * current size if {@code entries} is empty). The logs of this library append all or none, in
     * one transaction; this default appends one by one.
     */
    default long appendAll(List<byte[]> entries) {
        long first = -1;
        for (byte[] entry : entries) {
            long index = append(entry);
            if (first < 0) {
                first = index;
            }
        }
        return first < 0 ? size() : first;
    }

    /**
     * Forces every entry appended so far to the storage device, so it survives a power loss and
     * not only a crash of the process. Call it before handing a root to anyone who will hold the
     * log to it (a witness): a log that came back shorter after a power loss would contradict its
     * own signed checkpoint. Costs one device flush; a log kept only in memory does nothing.
     */
    void sync();

    /** The number of entries appended so far. */
    long size();

    /**
     * The number of entries known to be on the storage device: each of them was appended before a
     * {@link #sync} that succeeded, with no write failing since that could have lost it. At most
     * {@link #size()}. Sign a checkpoint (hand a root to a witness) only for a size up to this one.
     */
    long durableSize();

    /** The Merkle Tree Hash of the first {@code size} entries, 0 <= size <= {@link #size()}. */
    byte[] root(long size);

    /** The root of the whole log. */
    default byte[] root() {
        return root(size());
    }

    /** The proof that entry {@code index} is in the tree of the first {@code size} entries. */
    InclusionProof inclusion(long index, long size);

    /** The proof that the tree of {@code size2} entries extends the tree of {@code size1}. */
    ConsistencyProof consistency(long size1, long size2);

    /** Entry {@code index} as appended (a copy). */
    byte[] entry(long index);
}
