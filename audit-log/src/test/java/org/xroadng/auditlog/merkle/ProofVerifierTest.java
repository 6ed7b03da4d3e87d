package org.xroadng.auditlog.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.xroadng.auditlog.merkle.Rfc6962Vectors.hashes;
import static org.xroadng.auditlog.merkle.Rfc6962Vectors.hex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.xroadng.auditlog.merkle.ProofVerificationException.Reason;

class ProofVerifierTest {

    private static final byte[] ROOT8 = hex(Rfc6962Vectors.ROOTS[7]);

    private static byte[] leafHash(int index) {
        return MerkleHashes.leafHash(hex(Rfc6962Vectors.LEAVES[index]));
    }

    private static byte[] root(long size) {
        return hex(Rfc6962Vectors.ROOTS[(int) size - 1]);
    }

    private static List<byte[]> proofFor0In8() {
        return hashes(Rfc6962Vectors.INCLUSION.get(1).path());
    }

    private static ProofVerificationException refused(Reason reason, Executable check) {
        ProofVerificationException e = assertThrows(ProofVerificationException.class, check);
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    @Test
    void publishedInclusionProofs_verify() {
        for (Rfc6962Vectors.Vector v : Rfc6962Vectors.INCLUSION) {
            assertDoesNotThrow(() -> ProofVerifier.verifyInclusion(v.a(), v.b(), leafHash((int) v.a()),
                    hashes(v.path()), root(v.b())), v.toString());
        }
    }

    @Test
    void publishedConsistencyProofs_verify() {
        for (Rfc6962Vectors.Vector v : Rfc6962Vectors.CONSISTENCY) {
            assertDoesNotThrow(() -> ProofVerifier.verifyConsistency(v.a(), v.b(), root(v.a()), root(v.b()),
                    hashes(v.path())), v.toString());
        }
    }

    @Test
    void logOfCtTestTree_producesPublishedProofs() {
        MerkleLog log = Rfc6962Vectors.log();
        for (int n = 1; n <= 8; n++) {
            assertEquals(Rfc6962Vectors.ROOTS[n - 1], hex(log.root(n)), "size " + n);
        }
        assertEquals(Rfc6962Vectors.EMPTY_ROOT, hex(log.root(0)));
        for (Rfc6962Vectors.Vector v : Rfc6962Vectors.INCLUSION) {
            assertEquals(v.path(), Rfc6962Vectors.hex(log.inclusion(v.a(), v.b()).path()), v.toString());
        }
        for (Rfc6962Vectors.Vector v : Rfc6962Vectors.CONSISTENCY) {
            assertEquals(v.path(), Rfc6962Vectors.hex(log.consistency(v.a(), v.b()).path()), v.toString());
        }
    }

    @Test
    void inclusionWithFlippedRoot_failsWithBothRoots() {
        byte[] wrong = ROOT8.clone();
        wrong[31] ^= 1;
        RootMismatchException e = assertThrows(RootMismatchException.class,
                () -> ProofVerifier.verifyInclusion(0, 8, leafHash(0), proofFor0In8(), wrong));
        assertArrayEquals(wrong, e.expectedRoot());
        assertArrayEquals(ROOT8, e.computedRoot());
        assertEquals(Reason.ROOT_MISMATCH, e.reason());
        assertEquals(hex(wrong), e.expected());
        assertEquals(hex(ROOT8), e.actual());
    }

    @Test
    void inclusionProofForOtherIndex_fails() {
        assertThrows(RootMismatchException.class,
                () -> ProofVerifier.verifyInclusion(1, 8, leafHash(0), proofFor0In8(), ROOT8));
    }

    @Test
    void indexEqualToSize_isRefusedAsOutOfRange() {
        ProofVerificationException e = refused(Reason.INDEX_OUT_OF_RANGE,
                () -> ProofVerifier.verifyInclusion(8, 8, leafHash(0), proofFor0In8(), ROOT8));
        assertEquals("8", e.actual());
    }

    @Test
    void negativeIndexOrEmptyTree_isRefusedAsOutOfRange() {
        refused(Reason.INDEX_OUT_OF_RANGE,
                () -> ProofVerifier.verifyInclusion(-1, 8, leafHash(0), proofFor0In8(), ROOT8));
        refused(Reason.INDEX_OUT_OF_RANGE,
                () -> ProofVerifier.verifyInclusion(0, 0, leafHash(0), List.of(), ROOT8));
        refused(Reason.SIZE_OUT_OF_RANGE,
                () -> ProofVerifier.verifyInclusion(0, -1, leafHash(0), List.of(), ROOT8));
    }

    @Test
    void inclusionProofTooLong_isRefusedBeforeHashing() {
        List<byte[]> proof = new ArrayList<>(proofFor0In8());
        proof.add(new byte[32]);
        // The root is wrong too: a length refusal, not a root mismatch, shows nothing was hashed.
        ProofVerificationException e = refused(Reason.WRONG_PROOF_LENGTH,
                () -> ProofVerifier.verifyInclusion(0, 8, leafHash(0), proof, new byte[32]));
        assertEquals("3", e.expected());
        assertEquals("4", e.actual());
    }

    @Test
    void inclusionProofTooShort_isRefused() {
        List<byte[]> proof = proofFor0In8().subList(0, 2);
        ProofVerificationException e = refused(Reason.WRONG_PROOF_LENGTH,
                () -> ProofVerifier.verifyInclusion(0, 8, leafHash(0), proof, ROOT8));
        assertEquals("3", e.expected());
        assertEquals("2", e.actual());
    }

    @Test
    void nonSha256Lengths_areRefused() {
        refused(Reason.WRONG_HASH_LENGTH,
                () -> ProofVerifier.verifyInclusion(0, 8, new byte[31], proofFor0In8(), ROOT8));
        refused(Reason.WRONG_HASH_LENGTH,
                () -> ProofVerifier.verifyInclusion(0, 8, leafHash(0), proofFor0In8(), new byte[33]));
        List<byte[]> proof = new ArrayList<>(proofFor0In8());
        proof.set(1, new byte[16]);
        ProofVerificationException e = refused(Reason.WRONG_HASH_LENGTH,
                () -> ProofVerifier.verifyInclusion(0, 8, leafHash(0), proof, ROOT8));
        assertEquals("16 bytes", e.actual());
        proof.set(1, null);
        refused(Reason.WRONG_HASH_LENGTH, () -> ProofVerifier.verifyInclusion(0, 8, leafHash(0), proof, ROOT8));
        List<byte[]> consistency = hashes(Rfc6962Vectors.CONSISTENCY.get(2).path());
        consistency.set(0, new byte[0]);
        refused(Reason.WRONG_HASH_LENGTH,
                () -> ProofVerifier.verifyConsistency(6, 8, root(6), ROOT8, consistency));
        refused(Reason.WRONG_HASH_LENGTH,
                () -> ProofVerifier.verifyConsistency(6, 8, new byte[1], ROOT8, List.of()));
    }

    @Test
    void firstSizeAboveSecond_isRefusedAsOutOfOrder() {
        refused(Reason.SIZES_OUT_OF_ORDER, () -> ProofVerifier.verifyConsistency(8, 6, ROOT8, root(6), List.of()));
        refused(Reason.SIZE_OUT_OF_RANGE, () -> ProofVerifier.verifyConsistency(-1, 6, ROOT8, root(6), List.of()));
    }

    @Test
    void consistencyProofWrongLength_isRefusedBeforeHashing() {
        List<byte[]> proof = hashes(Rfc6962Vectors.CONSISTENCY.get(2).path());
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(new byte[32]);
        ProofVerificationException e = refused(Reason.WRONG_PROOF_LENGTH,
                () -> ProofVerifier.verifyConsistency(6, 8, new byte[32], new byte[32], longer));
        assertEquals("3", e.expected());
        assertEquals("4", e.actual());
        refused(Reason.WRONG_PROOF_LENGTH,
                () -> ProofVerifier.verifyConsistency(6, 8, root(6), ROOT8, proof.subList(0, 2)));
        refused(Reason.WRONG_PROOF_LENGTH,
                () -> ProofVerifier.verifyConsistency(6, 8, root(6), ROOT8, List.of()));
        refused(Reason.WRONG_PROOF_LENGTH,
                () -> ProofVerifier.verifyConsistency(8, 8, ROOT8, ROOT8, List.of(ROOT8)));
        refused(Reason.WRONG_PROOF_LENGTH,
                () -> ProofVerifier.verifyConsistency(0, 8, MerkleHashes.emptyRoot(), ROOT8, List.of(ROOT8)));
    }

    @Test
    void equalSizesWithDifferentRoots_failAsRootMismatch() {
        assertThrows(RootMismatchException.class,
                () -> ProofVerifier.verifyConsistency(8, 8, ROOT8, root(7), List.of()));
        assertDoesNotThrow(() -> ProofVerifier.verifyConsistency(8, 8, ROOT8, ROOT8, List.of()));
    }

    @Test
    void fromEmptyTree_needsTheEmptyRoot() {
        assertDoesNotThrow(() -> ProofVerifier.verifyConsistency(0, 8, MerkleHashes.emptyRoot(), ROOT8, List.of()));
        assertThrows(RootMismatchException.class,
                () -> ProofVerifier.verifyConsistency(0, 8, root(1), ROOT8, List.of()));
    }

    @Test
    void consistencyWithFlippedSecondRoot_failsNamingSecondRoot() {
        byte[] wrong = ROOT8.clone();
        wrong[0] ^= (byte) 0x80;
        RootMismatchException e = assertThrows(RootMismatchException.class, () -> ProofVerifier.verifyConsistency(
                6, 8, root(6), wrong, hashes(Rfc6962Vectors.CONSISTENCY.get(2).path())));
        assertArrayEquals(ROOT8, e.computedRoot());
        assertEquals(true, e.getMessage().contains("second root"), e.getMessage());
    }

    @Test
    void proofValues_copyTheirHashes() throws ProofVerificationException {
        List<byte[]> path = proofFor0In8();
        InclusionProof proof = new InclusionProof(0, 8, path);
        path.get(0)[0] ^= 1;
        proof.path().get(1)[0] ^= 1;
        proof.verify(leafHash(0), ROOT8);
        assertEquals(new InclusionProof(0, 8, proofFor0In8()), proof);
        assertEquals(new InclusionProof(0, 8, proofFor0In8()).hashCode(), proof.hashCode());
        assertThrows(UnsupportedOperationException.class, () -> proof.path().add(new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> new InclusionProof(8, 8, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new InclusionProof(0, 8, List.of(new byte[3])));
        assertThrows(IllegalArgumentException.class, () -> new ConsistencyProof(3, 2, List.of()));
        assertEquals(false, Arrays.equals(path.get(0), proof.path().get(0)));
    }
}
