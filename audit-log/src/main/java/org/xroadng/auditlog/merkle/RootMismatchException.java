package org.xroadng.auditlog.merkle;

import java.util.HexFormat;

/**
 * A well-formed proof recomputes a root different from the one it was checked against: the leaf,
 * the proof or the trusted root has been changed. Carries both roots. Immutable.
 */
public final class RootMismatchException extends ProofVerificationException {

    private final byte[] expectedRoot;
    private final byte[] computedRoot;

    public RootMismatchException(String which, byte[] expectedRoot, byte[] computedRoot) {
        super(Reason.ROOT_MISMATCH, which + " does not match the proof",
                HexFormat.of().formatHex(expectedRoot), HexFormat.of().formatHex(computedRoot));
        this.expectedRoot = expectedRoot.clone();
        this.computedRoot = computedRoot.clone();
    }

    /** The trusted root the proof was checked against. */
    public byte[] expectedRoot() {
        return expectedRoot.clone();
    }

    /** The root the proof leads to. */
    public byte[] computedRoot() {
        return computedRoot.clone();
    }
}
