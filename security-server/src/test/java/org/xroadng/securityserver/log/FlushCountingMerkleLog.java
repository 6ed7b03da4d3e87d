package org.xroadng.securityserver.log;

import java.util.concurrent.atomic.AtomicInteger;
import org.xroadng.auditlog.merkle.ConsistencyProof;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.auditlog.merkle.InclusionProof;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.protocol.store.StoreException;

/** An in-memory Merkle log that counts its device flushes ({@link #sync}) and fails them when told to. */
public final class FlushCountingMerkleLog implements MerkleLog {

    private final InMemoryMerkleLog inner = new InMemoryMerkleLog();
    private final AtomicInteger syncs = new AtomicInteger();
    private volatile boolean failing;
    private volatile long durableSize;

    /** How many flushes succeeded. */
    public int syncs() {
        return syncs.get();
    }

    /** From now on every flush fails as a full disk would. */
    public void failFlushes() {
        failing = true;
    }

    @Override
    public long append(byte[] entry) {
        return inner.append(entry);
    }

    @Override
    public void sync() {
        if (failing) {
            throw new StoreException("auditlog database failed: disk full", null);
        }
        long size = inner.size();
        syncs.incrementAndGet();
        durableSize = size;
    }

    @Override
    public long durableSize() {
        return durableSize;
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public byte[] root(long size) {
        return inner.root(size);
    }

    @Override
    public InclusionProof inclusion(long index, long size) {
        return inner.inclusion(index, size);
    }

    @Override
    public ConsistencyProof consistency(long size1, long size2) {
        return inner.consistency(size1, size2);
    }

    @Override
    public byte[] entry(long index) {
        return inner.entry(index);
    }
}
