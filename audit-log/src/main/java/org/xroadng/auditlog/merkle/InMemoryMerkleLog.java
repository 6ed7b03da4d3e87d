package org.xroadng.auditlog.merkle;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xroadng.auditlog.merkle.internal.RightEdge;
import org.xroadng.auditlog.merkle.internal.SubtreeSource;
import org.xroadng.auditlog.merkle.internal.TreeProofs;

/**
 * A {@link MerkleLog} held in memory, for tests and as the reference for stored logs. Keeps every
 * complete subtree hash, so roots and proofs cost O(log n) and O(log^2 n) hashes. Thread-safe
 * (one lock).
 */
public final class InMemoryMerkleLog implements MerkleLog {

    private final List<byte[]> entries = new ArrayList<>();
    /** levels.get(h).get(i): the complete subtree of height h at position i. */
    private final List<List<byte[]>> levels = new ArrayList<>();
    private final RightEdge edge = new RightEdge();
    private final SubtreeSource<RuntimeException> source = (h, i) -> levels.get(h).get((int) i).clone();

    @Override
    public synchronized long append(byte[] entry) {
        Objects.requireNonNull(entry, "entry");
        long index = entries.size();
        if (index == Integer.MAX_VALUE) {
            throw new IllegalStateException("an in-memory log holds at most " + Integer.MAX_VALUE + " entries");
        }
        entries.add(entry.clone());
        for (RightEdge.Node node : edge.append(MerkleHashes.leafHash(entry))) {
            if (levels.size() == node.height()) {
                levels.add(new ArrayList<>());
            }
            levels.get(node.height()).add(node.hash());
        }
        return index;
    }

    @Override
    public synchronized long appendAll(List<byte[]> batch) {
        for (byte[] entry : batch) {
            Objects.requireNonNull(entry, "entry");
        }
        long first = entries.size();
        for (byte[] entry : batch) {
            append(entry);
        }
        return first;
    }

    @Override
    public void sync() {
        // nothing to force: the entries live only in memory
    }

    @Override
    public synchronized long size() {
        return entries.size();
    }

    /** Everything appended: there is no device to fail, and a copy in memory is all there is. */
    @Override
    public long durableSize() {
        return size();
    }

    @Override
    public synchronized byte[] root(long size) {
        checkSize(size);
        return TreeProofs.root(size, source);
    }

    @Override
    public synchronized InclusionProof inclusion(long index, long size) {
        checkSize(size);
        checkIndex(index, size);
        return new InclusionProof(index, size, TreeProofs.inclusion(index, size, source));
    }

    @Override
    public synchronized ConsistencyProof consistency(long size1, long size2) {
        checkSize(size2);
        if (size1 < 0 || size1 > size2) {
            throw new IllegalArgumentException("no consistency proof from size " + size1 + " to " + size2);
        }
        return new ConsistencyProof(size1, size2, TreeProofs.consistency(size1, size2, source));
    }

    @Override
    public synchronized byte[] entry(long index) {
        checkIndex(index, entries.size());
        return entries.get((int) index).clone();
    }

    private void checkSize(long size) {
        if (size < 0 || size > entries.size()) {
            throw new IllegalArgumentException("size " + size + " is outside the log of " + entries.size());
        }
    }

    private static void checkIndex(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("index " + index + " is outside a tree of " + size);
        }
    }
}
