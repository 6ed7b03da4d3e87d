package org.xroadng.auditlog.merkle.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xroadng.auditlog.merkle.MerkleHashes;

/**
 * The right edge of a growing tree: for each set bit h of the size, the hash of the complete
 * subtree of height h that ends the log so far (a "compact range"). Appending a leaf merges equal
 * heights and yields the complete subtrees it completes, so a log stores each subtree hash once
 * and never rereads old leaves. Not thread-safe; the log serialises appends.
 */
public final class RightEdge {

    /** A complete subtree hash that became known on an append. */
    public record Node(int height, long position, byte[] hash) {
        public Node {
            Objects.requireNonNull(hash, "hash");
        }
    }

    private final byte[][] edge = new byte[64][];
    private long size;

    /**
     * Rebuilds the edge of a stored log of {@code size} leaves, reading one subtree per set bit of
     * the size.
     */
    public static <E extends Exception> RightEdge load(long size, SubtreeSource<E> source) throws E {
        RightEdge e = new RightEdge();
        long start = 0;
        for (int h = 63; h >= 0; h--) {
            if ((size & (1L << h)) != 0) {
                e.edge[h] = source.hash(h, start >>> h);
                start += 1L << h;
            }
        }
        e.size = size;
        return e;
    }

    public long size() {
        return size;
    }

    /** Adds the next leaf; returns the leaf and every subtree it completes, lowest first. */
    public List<Node> append(byte[] leafHash) {
        List<Node> completed = new ArrayList<>();
        long index = size;
        completed.add(new Node(0, index, leafHash));
        byte[] current = leafHash;
        int h = 0;
        while ((index & (1L << h)) != 0) {
            current = MerkleHashes.nodeHash(edge[h], current);
            edge[h] = null;
            h++;
            completed.add(new Node(h, index >>> h, current));
        }
        edge[h] = current;
        size = index + 1;
        return completed;
    }

    /** A copy, so that a failed batch can be discarded. */
    public RightEdge copy() {
        RightEdge c = new RightEdge();
        System.arraycopy(edge, 0, c.edge, 0, edge.length);
        c.size = size;
        return c;
    }
}
