package org.xroadng.auditlog.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every inclusion proof and every consistency proof of trees up to 64 leaves: equal to the RFC
 * 9162 recursive definitions computed naively here, accepted by the verifier, and refused when one
 * bit of the leaf, a proof hash or a root is changed.
 */
class ExhaustiveProofsTest {

    static final int MAX = 64;
    static final List<byte[]> ENTRIES = new ArrayList<>();
    static final List<byte[]> LEAF_HASHES = new ArrayList<>();
    static final InMemoryMerkleLog LOG = new InMemoryMerkleLog();

    @BeforeAll
    static void fill() {
        for (int i = 0; i < MAX; i++) {
            byte[] entry = ("{\"eventId\":" + i + ",\"pad\":\"" + "x".repeat(i) + "\"}").getBytes();
            ENTRIES.add(entry);
            LEAF_HASHES.add(MerkleHashes.leafHash(entry));
            assertEquals(i, LOG.append(entry));
        }
    }

    static byte[] mth(int from, int to) {
        return MerkleHashes.treeHashOfLeafHashes(LEAF_HASHES.subList(from, to));
    }

    /** RFC 9162 section 2.1.3.1, literally. */
    static List<byte[]> naivePath(int m, int from, int to) {
        int n = to - from;
        List<byte[]> out = new ArrayList<>();
        if (n <= 1) {
            return out;
        }
        int k = Integer.highestOneBit(n - 1);
        if (m < k) {
            out.addAll(naivePath(m, from, from + k));
            out.add(mth(from + k, to));
        } else {
            out.addAll(naivePath(m - k, from + k, to));
            out.add(mth(from, from + k));
        }
        return out;
    }

    /** RFC 9162 section 2.1.4.1, literally. */
    static List<byte[]> naiveSubproof(int m, int from, int to, boolean whole) {
        int n = to - from;
        List<byte[]> out = new ArrayList<>();
        if (m == n) {
            if (!whole) {
                out.add(mth(from, to));
            }
            return out;
        }
        int k = Integer.highestOneBit(n - 1);
        if (m <= k) {
            out.addAll(naiveSubproof(m, from, from + k, whole));
            out.add(mth(from + k, to));
        } else {
            out.addAll(naiveSubproof(m - k, from + k, to, false));
            out.add(mth(from, from + k));
        }
        return out;
    }

    static byte[] flipped(byte[] b, int bit) {
        byte[] c = b.clone();
        c[(bit / 8) % c.length] ^= (byte) (1 << (bit % 8));
        return c;
    }

    @Test
    void everyPrefix_rootEqualsTreeHash() {
        for (int size = 0; size <= MAX; size++) {
            assertArrayEquals(MerkleHashes.treeHash(ENTRIES.subList(0, size)), LOG.root(size), "size " + size);
        }
    }

    @Test
    void everyInclusionProof_equalsRfcDefinitionAndVerifies() throws ProofVerificationException {
        for (int size = 1; size <= MAX; size++) {
            byte[] root = LOG.root(size);
            for (int index = 0; index < size; index++) {
                InclusionProof proof = LOG.inclusion(index, size);
                assertEquals(new InclusionProof(index, size, naivePath(index, 0, size)), proof);
                assertEquals(ProofVerifier.inclusionProofLength(index, size), proof.path().size());
                proof.verify(MerkleHashes.leafHash(LOG.entry(index)), root);
            }
        }
    }

    @Test
    void everyInclusionProof_tamperedLeafProofOrRoot_fails() {
        int checks = 0;
        for (int size = 1; size <= MAX; size++) {
            byte[] root = LOG.root(size);
            for (int index = 0; index < size; index++) {
                final int i = index;
                final int s = size;
                List<byte[]> path = LOG.inclusion(index, size).path();
                byte[] leaf = LEAF_HASHES.get(index);
                byte[] entry = ENTRIES.get(index);
                int bit = index * 7 + size;
                assertThrows(RootMismatchException.class, () -> ProofVerifier.verifyInclusion(
                        i, s, MerkleHashes.leafHash(flipped(entry, bit)), path, root));
                assertThrows(RootMismatchException.class,
                        () -> ProofVerifier.verifyInclusion(i, s, flipped(leaf, bit), path, root));
                assertThrows(RootMismatchException.class,
                        () -> ProofVerifier.verifyInclusion(i, s, leaf, path, flipped(root, bit)));
                for (int p = 0; p < path.size(); p++) {
                    List<byte[]> tampered = new ArrayList<>(path);
                    tampered.set(p, flipped(path.get(p), bit + p));
                    assertThrows(RootMismatchException.class,
                            () -> ProofVerifier.verifyInclusion(i, s, leaf, tampered, root));
                    checks++;
                }
                checks += 3;
            }
        }
        assertEquals(true, checks > 2080 * 3, "checks " + checks);
    }

    @Test
    void everyConsistencyProof_equalsRfcDefinitionAndVerifies() throws ProofVerificationException {
        for (int size2 = 0; size2 <= MAX; size2++) {
            for (int size1 = 0; size1 <= size2; size1++) {
                ConsistencyProof proof = LOG.consistency(size1, size2);
                List<byte[]> expected = size1 == 0 || size1 == size2
                        ? List.of() : naiveSubproof(size1, 0, size2, true);
                assertEquals(new ConsistencyProof(size1, size2, expected), proof, size1 + " -> " + size2);
                assertEquals(ProofVerifier.consistencyProofLength(size1, size2), proof.path().size());
                proof.verify(LOG.root(size1), LOG.root(size2));
            }
        }
    }

    @Test
    void everyConsistencyProof_tamperedProofOrRoot_fails() {
        for (int size2 = 1; size2 <= MAX; size2++) {
            byte[] root2 = LOG.root(size2);
            for (int size1 = 1; size1 <= size2; size1++) {
                final int s1 = size1;
                final int s2 = size2;
                byte[] root1 = LOG.root(size1);
                List<byte[]> path = LOG.consistency(size1, size2).path();
                int bit = size1 * 5 + size2;
                assertThrows(RootMismatchException.class,
                        () -> ProofVerifier.verifyConsistency(s1, s2, flipped(root1, bit), root2, path));
                assertThrows(RootMismatchException.class,
                        () -> ProofVerifier.verifyConsistency(s1, s2, root1, flipped(root2, bit), path));
                for (int p = 0; p < path.size(); p++) {
                    List<byte[]> tampered = new ArrayList<>(path);
                    tampered.set(p, flipped(path.get(p), bit + p));
                    assertThrows(RootMismatchException.class,
                            () -> ProofVerifier.verifyConsistency(s1, s2, root1, root2, tampered));
                }
                if (size1 < size2) {
                    // A proof for another pair of sizes, of the same length, does not pass either.
                    try {
                        ProofVerifier.verifyConsistency(s1, s2, root1, LOG.root(size2 - 1), path);
                        if (size1 != size2 - 1) {
                            fail("proof " + s1 + " -> " + s2 + " accepted the root of size " + (s2 - 1));
                        }
                    } catch (ProofVerificationException expected) {
                        // refused
                    }
                }
            }
        }
    }

    @Test
    void outsideTheLog_isRefusedByTheLog() {
        assertThrows(IllegalArgumentException.class, () -> LOG.root(MAX + 1));
        assertThrows(IllegalArgumentException.class, () -> LOG.inclusion(3, 3));
        assertThrows(IllegalArgumentException.class, () -> LOG.inclusion(0, MAX + 1));
        assertThrows(IllegalArgumentException.class, () -> LOG.consistency(5, 4));
        assertThrows(IllegalArgumentException.class, () -> LOG.entry(MAX));
    }
}
