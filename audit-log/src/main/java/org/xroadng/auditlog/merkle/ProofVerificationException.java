package org.xroadng.auditlog.merkle;

/**
 * A Merkle inclusion or consistency proof was refused. {@link #reason()} says what was wrong,
 * {@link #expected()} and {@link #actual()} the values compared (sizes, lengths or hex hashes).
 * Immutable.
 */
public class ProofVerificationException extends Exception {

    /** What made the proof fail. */
    public enum Reason {
        /** A tree size is negative. */
        SIZE_OUT_OF_RANGE,
        /** The leaf index is negative or not less than the tree size. */
        INDEX_OUT_OF_RANGE,
        /** The first tree size of a consistency proof is greater than the second. */
        SIZES_OUT_OF_ORDER,
        /** The proof has more or fewer hashes than the sizes (and index) demand. */
        WRONG_PROOF_LENGTH,
        /** A hash (leaf, root or proof element) is not 32 bytes. */
        WRONG_HASH_LENGTH,
        /** The proof is well-formed but recomputes a different root: see {@link RootMismatchException}. */
        ROOT_MISMATCH
    }

    private final Reason reason;
    private final String expected;
    private final String actual;

    public ProofVerificationException(Reason reason, String message, String expected, String actual) {
        super(message + " (expected " + expected + ", got " + actual + ")");
        this.reason = reason;
        this.expected = expected;
        this.actual = actual;
    }

    public Reason reason() {
        return reason;
    }

    /** The value the verifier required. */
    public String expected() {
        return expected;
    }

    /** The value it found. */
    public String actual() {
        return actual;
    }
}
