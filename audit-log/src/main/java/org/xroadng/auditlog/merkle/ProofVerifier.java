package org.xroadng.auditlog.merkle;

import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import org.xroadng.auditlog.merkle.ProofVerificationException.Reason;

/**
 * Verifies Merkle inclusion and consistency proofs by the iterative algorithms of RFC 9162
 * sections 2.1.3.2 and 2.1.4.2, with the hashing of {@link MerkleHashes}.
 *
 * <p>Everything that can be checked without hashing is checked first: sizes not negative, index
 * below the size, sizes in order, every hash 32 bytes, and the proof exactly as long as the sizes
 * demand (as in transparency-dev {@code merkle/proof/verify.go}). Only then is the root recomputed
 * and compared. A proof that passes shows that the leaf is in the tree with that root (inclusion),
 * or that the tree with the second root extends the tree with the first without changing it
 * (consistency), assuming SHA-256 is collision resistant.
 */
public final class ProofVerifier {

    private ProofVerifier() {
    }

    /**
     * Checks that {@code leafHash} is the leaf at {@code index} of the tree of {@code size} leaves
     * whose root is {@code root} (RFC 9162 section 2.1.3.2).
     *
     * @param proof the inclusion path, leaf side first (RFC 9162 section 2.1.3.1)
     * @throws RootMismatchException the well-formed proof leads to another root
     * @throws ProofVerificationException the index, a size, a hash length or the proof length is wrong
     */
    public static void verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root)
            throws ProofVerificationException {
        Objects.requireNonNull(proof, "proof");
        if (size < 0) {
            throw new ProofVerificationException(Reason.SIZE_OUT_OF_RANGE, "tree size is negative",
                    ">= 0", Long.toString(size));
        }
        if (index < 0 || index >= size) {
            throw new ProofVerificationException(Reason.INDEX_OUT_OF_RANGE, "leaf index is outside the tree",
                    "0 <= index < " + size, Long.toString(index));
        }
        requireHash(leafHash, "leaf hash");
        requireHash(root, "root");
        requireHashes(proof);
        int expectedLength = inclusionProofLength(index, size);
        if (proof.size() != expectedLength) {
            throw new ProofVerificationException(Reason.WRONG_PROOF_LENGTH,
                    "inclusion proof for index " + index + " in a tree of " + size + " has the wrong length",
                    Integer.toString(expectedLength), Integer.toString(proof.size()));
        }

        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                throw tooLong(expectedLength, proof.size());
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleHashes.nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                r = MerkleHashes.nodeHash(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw tooLong(expectedLength, proof.size());
        }
        if (!MessageDigest.isEqual(r, root)) {
            throw new RootMismatchException("root of the tree of " + size, root, r);
        }
    }

    /**
     * Checks that the tree of {@code size2} leaves with root {@code root2} is an append-only
     * extension of the tree of {@code size1} leaves with root {@code root1} (RFC 9162 section
     * 2.1.4.2). Equal sizes need an empty proof and equal roots; size 0 needs an empty proof and
     * the empty root {@code SHA-256()} as the first root.
     *
     * @throws RootMismatchException the well-formed proof leads to another first or second root
     * @throws ProofVerificationException a size, a hash length or the proof length is wrong
     */
    public static void verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof)
            throws ProofVerificationException {
        Objects.requireNonNull(proof, "proof");
        if (size1 < 0 || size2 < 0) {
            throw new ProofVerificationException(Reason.SIZE_OUT_OF_RANGE, "tree size is negative",
                    ">= 0", size1 + " and " + size2);
        }
        if (size1 > size2) {
            throw new ProofVerificationException(Reason.SIZES_OUT_OF_ORDER,
                    "first tree is larger than the second", "size1 <= " + size2, Long.toString(size1));
        }
        requireHash(root1, "first root");
        requireHash(root2, "second root");
        requireHashes(proof);
        int expectedLength = consistencyProofLength(size1, size2);
        if (proof.size() != expectedLength) {
            throw new ProofVerificationException(Reason.WRONG_PROOF_LENGTH,
                    "consistency proof from " + size1 + " to " + size2 + " has the wrong length",
                    Integer.toString(expectedLength), Integer.toString(proof.size()));
        }
        if (size1 == size2) {
            if (!MessageDigest.isEqual(root1, root2)) {
                throw new RootMismatchException("second root (size " + size2 + ", same as the first)", root1, root2);
            }
            return;
        }
        if (size1 == 0) {
            byte[] empty = MerkleHashes.emptyRoot();
            if (!MessageDigest.isEqual(root1, empty)) {
                throw new RootMismatchException("first root (the empty tree)", root1, empty);
            }
            return;
        }

        // RFC 9162 section 2.1.4.2, steps 2 to 8.
        boolean powerOfTwo = Long.bitCount(size1) == 1;
        int offset = powerOfTwo ? 0 : 1;
        byte[] seed = powerOfTwo ? root1 : proof.get(0);
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = seed;
        byte[] sr = seed;
        for (int i = offset; i < proof.size(); i++) {
            byte[] c = proof.get(i);
            if (sn == 0) {
                throw tooLong(expectedLength, proof.size());
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = MerkleHashes.nodeHash(c, fr);
                sr = MerkleHashes.nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                sr = MerkleHashes.nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw tooLong(expectedLength, proof.size());
        }
        if (!MessageDigest.isEqual(fr, root1)) {
            throw new RootMismatchException("first root (size " + size1 + ")", root1, fr);
        }
        if (!MessageDigest.isEqual(sr, root2)) {
            throw new RootMismatchException("second root (size " + size2 + ")", root2, sr);
        }
    }

    /**
     * The number of hashes in the inclusion proof of leaf {@code index} in a tree of {@code size}
     * leaves (0 <= index < size): the levels where the paths to the leaf and to the last leaf have
     * split, plus one for each left sibling above them.
     */
    public static int inclusionProofLength(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("index " + index + " is not in a tree of " + size);
        }
        int inner = 64 - Long.numberOfLeadingZeros(index ^ (size - 1));
        return inner + Long.bitCount(index >>> inner);
    }

    /** The number of hashes in the consistency proof from {@code size1} to {@code size2} leaves. */
    public static int consistencyProofLength(long size1, long size2) {
        if (size1 < 0 || size1 > size2) {
            throw new IllegalArgumentException("no consistency proof from " + size1 + " to " + size2);
        }
        if (size1 == 0 || size1 == size2) {
            return 0;
        }
        int inner = 64 - Long.numberOfLeadingZeros((size1 - 1) ^ (size2 - 1));
        int border = Long.bitCount((size1 - 1) >>> inner);
        int shift = Long.numberOfTrailingZeros(size1);
        int start = Long.bitCount(size1) == 1 ? 0 : 1;
        return start + (inner - shift) + border;
    }

    private static ProofVerificationException tooLong(int expected, int actual) {
        // Unreachable once the length check has passed; kept as RFC 9162's own guard.
        return new ProofVerificationException(Reason.WRONG_PROOF_LENGTH, "proof does not fit the tree",
                Integer.toString(expected), Integer.toString(actual));
    }

    private static void requireHash(byte[] hash, String what) throws ProofVerificationException {
        if (hash == null || hash.length != MerkleHashes.HASH_SIZE) {
            throw new ProofVerificationException(Reason.WRONG_HASH_LENGTH, what + " is not a SHA-256 hash",
                    MerkleHashes.HASH_SIZE + " bytes", hash == null ? "null" : hash.length + " bytes");
        }
    }

    private static void requireHashes(List<byte[]> proof) throws ProofVerificationException {
        for (int i = 0; i < proof.size(); i++) {
            requireHash(proof.get(i), "proof hash " + i);
        }
    }
}
