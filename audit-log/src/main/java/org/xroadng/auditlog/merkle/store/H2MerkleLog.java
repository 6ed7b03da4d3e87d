package org.xroadng.auditlog.merkle.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.xroadng.auditlog.merkle.ConsistencyProof;
import org.xroadng.auditlog.merkle.InclusionProof;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.auditlog.merkle.internal.RightEdge;
import org.xroadng.auditlog.merkle.internal.SubtreeSource;
import org.xroadng.auditlog.merkle.internal.TreeProofs;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;

/**
 * A {@link MerkleLog} in the {@code auditlog} database (H2 by default; plain JDBC, migration
 * {@code db/auditlog/V1__merkle_log.sql}). Each append stores the entry, its leaf hash and the
 * hashes of the complete subtrees it completes in one transaction, so a root costs O(log n)
 * subtree lookups and a proof O(log^2 n), whatever the size of the log. Subtree hashes of height
 * {@value #CACHED_HEIGHT} and up are also kept in memory (one per 2^{@value #CACHED_HEIGHT} leaves).
 *
 * <p>One instance owns the log: appends are serialised by it and indexes are assigned from its
 * count, so two processes must not append to the same database. Readers see an append once it
 * has committed. Database failures raise {@link org.xroadng.protocol.store.StoreException}, and a
 * failed append or batch leaves neither rows nor a changed size behind.
 */
public final class H2MerkleLog implements MerkleLog {

    /** The database name for {@link Database#open}: migrations are in {@code db/auditlog}. */
    public static final String DATABASE_NAME = "auditlog";

    static final int CACHED_HEIGHT = 8;

    private final Database database;
    private final Object appendLock = new Object();
    /** Guarded by appendLock. */
    private RightEdge edge;
    private volatile long size;
    private final ConcurrentHashMap<Long, byte[]> upperNodes = new ConcurrentHashMap<>();

    private H2MerkleLog(Database database, RightEdge edge) {
        this.database = database;
        this.edge = edge;
        this.size = edge.size();
    }

    /**
     * Opens the log stored in {@code database} (opened with {@link #DATABASE_NAME}), checking that
     * its leaves are numbered without gaps. The caller keeps ownership of the database.
     */
    public static H2MerkleLog open(Database database) {
        Objects.requireNonNull(database, "database");
        RightEdge edge = database.inTransaction(c -> {
            long count = Jdbc.count(c, "SELECT COUNT(*) FROM merkle_leaf");
            long next = Jdbc.queryOne(c, "SELECT MAX(leaf_index) FROM merkle_leaf",
                    r -> r.getObject(1) == null ? 0L : r.getLong(1) + 1).orElse(0L);
            if (count != next) {
                throw new IllegalStateException("the Merkle log has " + count + " leaves but its highest index is "
                        + (next - 1) + ": rows were removed");
            }
            try (Reader reader = new Reader(c, null)) {
                return RightEdge.load(count, reader);
            }
        });
        return new H2MerkleLog(database, edge);
    }

    @Override
    public long append(byte[] entry) {
        return appendAll(List.of(entry));
    }

    @Override
    public long appendAll(List<byte[]> entries) {
        return appendAll(entries, (connection, first) -> {
        });
    }

    /**
     * Writes more rows in an append's transaction: called after the leaves are inserted, before
     * the commit, with the index of the first; if it throws, nothing of the append is kept.
     */
    @FunctionalInterface
    public interface AppendHook {
        void inserted(Connection connection, long firstIndex) throws SQLException;
    }

    /** {@link #appendAll(List)}, with {@code hook} writing its rows in the same transaction. */
    public long appendAll(List<byte[]> entries, AppendHook hook) {
        Objects.requireNonNull(hook, "hook");
        List<byte[]> copies = new ArrayList<>(entries.size());
        for (byte[] entry : entries) {
            copies.add(Objects.requireNonNull(entry, "entry").clone());
        }
        synchronized (appendLock) {
            long first = edge.size();
            if (copies.isEmpty()) {
                return first;
            }
            RightEdge next = edge.copy();
            List<byte[]> leafHashes = new ArrayList<>(copies.size());
            List<RightEdge.Node> nodes = new ArrayList<>();
            for (byte[] entry : copies) {
                byte[] leafHash = MerkleHashes.leafHash(entry);
                leafHashes.add(leafHash);
                for (RightEdge.Node node : next.append(leafHash)) {
                    if (node.height() > 0) {
                        nodes.add(node);
                    }
                }
            }
            database.inTransaction(c -> {
                insertLeaves(c, first, copies, leafHashes);
                insertNodes(c, nodes);
                hook.inserted(c, first);
                return null;
            });
            edge = next;
            for (RightEdge.Node node : nodes) {
                if (node.height() >= CACHED_HEIGHT) {
                    upperNodes.put(key(node.height(), node.position()), node.hash().clone());
                }
            }
            size = next.size();
            return first;
        }
    }

    @Override
    public void sync() {
        database.sync();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] root(long treeSize) {
        checkSize(treeSize);
        return read(source -> TreeProofs.root(treeSize, source));
    }

    @Override
    public InclusionProof inclusion(long index, long treeSize) {
        checkSize(treeSize);
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("index " + index + " is outside a tree of " + treeSize);
        }
        return new InclusionProof(index, treeSize, read(source -> TreeProofs.inclusion(index, treeSize, source)));
    }

    @Override
    public ConsistencyProof consistency(long size1, long size2) {
        checkSize(size2);
        if (size1 < 0 || size1 > size2) {
            throw new IllegalArgumentException("no consistency proof from size " + size1 + " to " + size2);
        }
        return new ConsistencyProof(size1, size2, read(source -> TreeProofs.consistency(size1, size2, source)));
    }

    @Override
    public byte[] entry(long index) {
        long current = size;
        if (index < 0 || index >= current) {
            throw new IllegalArgumentException("index " + index + " is outside the log of " + current);
        }
        return database.inTransaction(c -> Jdbc.queryOne(c,
                        "SELECT entry_bytes FROM merkle_leaf WHERE leaf_index = ?", r -> r.getBytes(1), index)
                .orElseThrow(() -> new SQLException("leaf " + index + " is missing")));
    }

    private void checkSize(long treeSize) {
        long current = size;
        if (treeSize < 0 || treeSize > current) {
            throw new IllegalArgumentException("size " + treeSize + " is outside the log of " + current);
        }
    }

    @FunctionalInterface
    private interface Computation<T> {
        T compute(SubtreeSource<SQLException> source) throws SQLException;
    }

    private <T> T read(Computation<T> computation) {
        return database.inTransaction(c -> {
            try (Reader reader = new Reader(c, upperNodes)) {
                return computation.compute(reader);
            }
        });
    }

    private static void insertLeaves(Connection c, long first, List<byte[]> entries, List<byte[]> leafHashes)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO merkle_leaf (leaf_index, entry_bytes, leaf_hash) VALUES (?, ?, ?)")) {
            for (int i = 0; i < entries.size(); i++) {
                s.setLong(1, first + i);
                s.setBytes(2, entries.get(i));
                s.setBytes(3, leafHashes.get(i));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static void insertNodes(Connection c, List<RightEdge.Node> nodes) throws SQLException {
        if (nodes.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO merkle_node (node_height, node_index, node_hash) VALUES (?, ?, ?)")) {
            for (RightEdge.Node node : nodes) {
                s.setInt(1, node.height());
                s.setLong(2, node.position());
                s.setBytes(3, node.hash());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static long key(int height, long position) {
        return ((long) height << 56) | position;
    }

    /** Subtree hashes from one connection: leaves at height 0, stored nodes above, cache first. */
    private static final class Reader implements SubtreeSource<SQLException>, AutoCloseable {

        private final Connection connection;
        private final ConcurrentHashMap<Long, byte[]> cache;
        private PreparedStatement leaf;
        private PreparedStatement node;

        Reader(Connection connection, ConcurrentHashMap<Long, byte[]> cache) {
            this.connection = connection;
            this.cache = cache;
        }

        @Override
        public byte[] hash(int height, long position) throws SQLException {
            boolean cacheable = cache != null && height >= CACHED_HEIGHT;
            if (cacheable) {
                byte[] cached = cache.get(key(height, position));
                if (cached != null) {
                    return cached.clone();
                }
            }
            PreparedStatement s;
            if (height == 0) {
                if (leaf == null) {
                    leaf = connection.prepareStatement("SELECT leaf_hash FROM merkle_leaf WHERE leaf_index = ?");
                }
                s = leaf;
                s.setLong(1, position);
            } else {
                if (node == null) {
                    node = connection.prepareStatement(
                            "SELECT node_hash FROM merkle_node WHERE node_height = ? AND node_index = ?");
                }
                s = node;
                s.setInt(1, height);
                s.setLong(2, position);
            }
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("subtree of height " + height + " at " + position + " is missing");
                }
                byte[] hash = r.getBytes(1);
                if (cacheable) {
                    cache.put(key(height, position), hash.clone());
                }
                return hash;
            }
        }

        @Override
        public void close() throws SQLException {
            if (leaf != null) {
                leaf.close();
            }
            if (node != null) {
                node.close();
            }
        }
    }
}
