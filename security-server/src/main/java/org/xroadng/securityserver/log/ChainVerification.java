package org.xroadng.securityserver.log;

/**
 * The outcome of re-computing the message log's hash chain: either every record links to the one
 * before it and hashes to its stored value, or the first record where that fails.
 */
public sealed interface ChainVerification {

    boolean intact();

    /** Every one of {@code records} records verified; {@code lastHash} is the head of the chain (hex). */
    record Intact(long records, String lastHash) implements ChainVerification {
        @Override
        public boolean intact() {
            return true;
        }
    }

    /**
     * The record with id {@code recordId} is the first that does not verify.
     *
     * @param reason   what failed: its previous-hash link or its own hash
     * @param expected the hash the chain requires (hex)
     * @param actual   the hash stored or computed (hex)
     */
    record Broken(long recordId, String reason, String expected, String actual) implements ChainVerification {
        @Override
        public boolean intact() {
            return false;
        }
    }
}
