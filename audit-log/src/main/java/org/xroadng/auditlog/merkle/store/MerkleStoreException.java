package org.xroadng.auditlog.merkle.store;

import org.xroadng.protocol.store.StoreException;

/**
 * The stored Merkle log does not agree with itself or with what this process made durable: leaves
 * missing below the highest index, or fewer leaves than a successful sync covered. The message
 * says what was found and what an operator can do about it.
 */
public final class MerkleStoreException extends StoreException {

    public MerkleStoreException(String message) {
        super(message, null);
    }
}
