package org.xroadng.auditlog.merkle.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.xroadng.auditlog.merkle.ConsistencyProof;
import org.xroadng.auditlog.merkle.InclusionProof;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.auditlog.merkle.internal.RightEdge;
import org.xroadng.auditlog.merkle.internal.SubtreeSource;
import org.xroadng.auditlog.merkle.internal.TreeProofs;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.store.StoreException;

/**
 * A {@link MerkleLog} in the {@code auditlog} database (H2 by default; plain JDBC, migration
 * {@code db/auditlog/V1__merkle_log.sql}). Each append stores the entry, its leaf hash and the
 * hashes of the complete subtrees of height {@value #STORED_HEIGHT} and up it completes, in one
 * transaction; a lower subtree is hashed from its at most 2^({@value #STORED_HEIGHT} - 1) leaves,
 * read in one range query, when a root or proof needs it. So a root costs O(log n) lookups and a
 * proof O(log^2 n), whatever the size of the log, and an append writes one node row per
 * 2^{@value #STORED_HEIGHT} leaves instead of one per leaf (logs written before kept their lower
 * nodes; they are not read). Subtree hashes of height {@value #CACHED_HEIGHT} and up are also kept
 * in memory (one per 2^{@value #CACHED_HEIGHT} leaves).
 *
 * <p>One instance owns the log: appends are serialised by it and indexes are assigned from its
 * count, so two processes must not append to the same database. Readers see an append once it
 * has committed. Database failures raise {@link org.xroadng.protocol.store.StoreException}.
 *
 * <p>After a failure the database is the truth. A failed append or {@link #sync} (a full disk, a
 * failed {@code fsync}, H2 closing and reopening its store and losing what it had not written)
 * may leave the file with or without the batch, whatever the commit returned; so any failure
 * marks the in-memory state (size, right edge, cached subtrees) stale, and the next append, sync
 * or {@link #recover} first reloads it from what the database holds. No index is ever assigned
 * from a size the database does not back, and {@link #durableSize} only grows by a sync that
 * succeeded with no failure in between and found its entries on disk afterwards.
 */
public final class H2MerkleLog implements MerkleLog {

    /** The database name for {@link Database#open}: migrations are in {@code db/auditlog}. */
    public static final String DATABASE_NAME = "auditlog";

    static final int CACHED_HEIGHT = 8;
    /** The lowest height of the subtrees whose hashes are stored; lower ones are hashed from their leaves. */
    public static final int STORED_HEIGHT = 4;
    /** After a failure, the database is asked again at most this often. */
    private static final long RELOAD_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Database database;
    private final Object appendLock = new Object();
    /** Guarded by appendLock. */
    private RightEdge edge;
    private volatile long size;
    private final ConcurrentHashMap<Long, byte[]> upperNodes = new ConcurrentHashMap<>();
    /** Guarded by appendLock: a write or sync failed, so edge and size may not match the database. */
    private boolean stale;
    /** Guarded by appendLock: failures so far, so a sync can tell whether one happened meanwhile. */
    private long failures;
    /** Guarded by appendLock: how many times the state was reloaded after a failure. */
    private long reloads;
    /** Guarded by appendLock: when a reload was last tried, if ever. */
    private boolean reloadAttempted;
    private long lastReloadAttempt;
    /** Guarded by appendLock: the database's reopenings when the state was last loaded. */
    private long reopeningsSeen;
    private volatile long durableSize;

    private H2MerkleLog(Database database, RightEdge edge) {
        this.database = database;
        this.edge = edge;
        this.size = edge.size();
        this.durableSize = edge.size();
        this.reopeningsSeen = database.reopenings();
    }

    /**
     * Opens the log stored in {@code database} (opened with {@link #DATABASE_NAME}), checking that
     * its leaves are numbered without gaps. The caller keeps ownership of the database.
     */
    public static H2MerkleLog open(Database database) {
        Objects.requireNonNull(database, "database");
        H2MerkleLog log = new H2MerkleLog(database, database.inTransaction(H2MerkleLog::loadEdge));
        log.sync(); // what survived until now is on the device before anything is built on it
        return log;
    }

    /** The right edge of the stored leaves, after checking they are numbered without gaps. */
    private static RightEdge loadEdge(Connection c) throws SQLException {
        // One statement, so one snapshot: a process writing the log meanwhile (the server, while an
        // operator's tool opens it to read) must not make the count and the maximum disagree.
        long[] countAndNext = Jdbc.queryOne(c, "SELECT COUNT(*), MAX(leaf_index) FROM merkle_leaf",
                r -> new long[] {r.getLong(1), r.getObject(2) == null ? 0L : r.getLong(2) + 1})
                .orElse(new long[] {0, 0});
        long count = countAndNext[0];
        long next = countAndNext[1];
        if (count != next) {
            throw new MerkleStoreException("the Merkle log has " + count + " leaves but its highest index is "
                    + (next - 1) + ": leaves are missing, so the tree past the first gap is wrong; run"
                    + " 'xroad server repair' on the stopped server to renumber the leaves after it");
        }
        try (Reader reader = new Reader(c, null, 0)) {
            return RightEdge.load(count, reader);
        }
    }

    /**
     * Reloads the in-memory state from the database if a failure left it stale (see the class
     * comment), and returns how many times that has happened since the log was opened, so a layer
     * above that keeps state of its own (the access log's subject links) knows to reload it too.
     *
     * @throws org.xroadng.protocol.store.StoreException when the database still cannot be read
     * @throws MerkleStoreException when the database holds fewer entries than a sync made durable
     */
    public long recover() {
        synchronized (appendLock) {
            recoverIfStale();
            return reloads;
        }
    }

    /**
     * For a log that other processes append to as well (the nodes of one security server sharing
     * a PostgreSQL database, taking turns under a lock): brings the in-memory state up to what the
     * database holds now, reading only the right edge's subtrees when it grew, and returns the
     * reload count as {@link #recover} does (so links kept above are dropped when others appended).
     * Call it holding the turn, before preparing an append.
     *
     * @throws org.xroadng.protocol.store.StoreException when the database cannot be read
     * @throws MerkleStoreException when it holds fewer entries than this process made durable
     */
    public long refreshShared() {
        synchronized (appendLock) {
            recoverIfStale();
            long stored = database.inTransaction(c -> Jdbc.queryOne(c, "SELECT MAX(leaf_index) FROM merkle_leaf",
                    r -> r.getObject(1) == null ? 0L : r.getLong(1) + 1).orElse(0L));
            if (stored != size) {
                if (stored < durableSize) {
                    throw new MerkleStoreException("the Merkle log holds " + stored + " leaves but " + durableSize
                            + " were forced to the device: durable entries were lost");
                }
                RightEdge loaded = database.inTransaction(c -> {
                    try (Reader reader = new Reader(c, null, 0)) {
                        return RightEdge.load(stored, reader);
                    }
                });
                upperNodes.clear();
                edge = loaded;
                size = stored;
                reloads++;
            }
            return reloads;
        }
    }

    /** Holding appendLock. */
    private void recoverIfStale() {
        if (!stale && database.reopenings() == reopeningsSeen) {
            return;
        }
        stale = true;
        long now = System.nanoTime();
        if (reloadAttempted && now - lastReloadAttempt < RELOAD_INTERVAL_NANOS) {
            // At most one reload a second: on a failing disk each may wait seconds on H2's file lock.
            throw new StoreException("the access log's storage failed moments ago; it is tried again within a second",
                    null);
        }
        reloadAttempted = true;
        lastReloadAttempt = now;
        long reopenings = database.reopenings();
        RightEdge loaded = database.inTransaction(H2MerkleLog::loadEdge);
        if (loaded.size() < durableSize) {
            throw new MerkleStoreException("the Merkle log holds " + loaded.size() + " leaves but " + durableSize
                    + " were forced to the device: durable entries were lost; the storage device cannot be trusted");
        }
        upperNodes.clear();
        edge = loaded;
        size = loaded.size();
        stale = false;
        reopeningsSeen = reopenings;
        reloads++;
    }

    /** Holding appendLock. */
    private void failed() {
        stale = true;
        failures++;
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
            recoverIfStale();
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
                    if (node.height() >= STORED_HEIGHT) {
                        nodes.add(node);
                    }
                }
            }
            try {
                database.inTransaction(c -> {
                    insertLeaves(c, first, copies, leafHashes);
                    insertNodes(c, nodes);
                    hook.inserted(c, first);
                    return null;
                });
            } catch (RuntimeException | Error e) {
                failed();
                throw e;
            }
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

    /**
     * Forces the committed entries to the device, then checks that the last of them is in the
     * database it forced (H2 may have reopened its store after a failed write and lost it); only
     * then, and if no write failed meanwhile, do they count as durable.
     */
    @Override
    public void sync() {
        long target;
        long failuresBefore;
        synchronized (appendLock) {
            recoverIfStale();
            target = size;
            failuresBefore = failures;
        }
        try {
            database.sync();
            long stored = database.inTransaction(c -> Jdbc.queryOne(c, "SELECT MAX(leaf_index) FROM merkle_leaf",
                    r -> r.getObject(1) == null ? 0L : r.getLong(1) + 1).orElse(0L));
            if (stored < target) {
                throw new MerkleStoreException("after forcing the Merkle log to the device it holds " + stored
                        + " leaves, not the " + target + " appended: the store lost entries it had committed");
            }
        } catch (RuntimeException | Error e) {
            synchronized (appendLock) {
                failed();
            }
            throw e;
        }
        synchronized (appendLock) {
            if (failures == failuresBefore && target > durableSize) {
                durableSize = target;
            }
        }
    }

    @Override
    public long durableSize() {
        return durableSize;
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
            try (Reader reader = new Reader(c, upperNodes, durableSize)) {
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
        /** Only subtrees of durable leaves are cached: a failed batch's cannot come back after a reload. */
        private final long cacheBelow;
        private PreparedStatement leaves;
        private PreparedStatement node;

        Reader(Connection connection, ConcurrentHashMap<Long, byte[]> cache, long cacheBelow) {
            this.connection = connection;
            this.cache = cache;
            this.cacheBelow = cacheBelow;
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
            if (height < STORED_HEIGHT) {
                return fromLeaves(height, position);
            }
            if (node == null) {
                node = connection.prepareStatement(
                        "SELECT node_hash FROM merkle_node WHERE node_height = ? AND node_index = ?");
            }
            node.setInt(1, height);
            node.setLong(2, position);
            try (ResultSet r = node.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("subtree of height " + height + " at " + position + " is missing");
                }
                byte[] hash = r.getBytes(1);
                if (cacheable && (position + 1) << height <= cacheBelow) {
                    cache.put(key(height, position), hash.clone());
                }
                return hash;
            }
        }

        /** The subtree of {@code height} at {@code position}, hashed from its leaves (one range query). */
        private byte[] fromLeaves(int height, long position) throws SQLException {
            if (leaves == null) {
                leaves = connection.prepareStatement("SELECT leaf_hash FROM merkle_leaf WHERE leaf_index >= ?"
                        + " AND leaf_index < ? ORDER BY leaf_index");
            }
            long first = position << height;
            int count = 1 << height;
            leaves.setLong(1, first);
            leaves.setLong(2, first + count);
            byte[][] level = new byte[count][];
            int found = 0;
            try (ResultSet r = leaves.executeQuery()) {
                while (r.next() && found < count) {
                    level[found++] = r.getBytes(1);
                }
            }
            if (found != count) {
                throw new SQLException("subtree of height " + height + " at " + position + " is missing leaves: "
                        + found + " of " + count + " stored");
            }
            for (int width = count; width > 1; width /= 2) {
                for (int i = 0; i < width / 2; i++) {
                    level[i] = MerkleHashes.nodeHash(level[2 * i], level[2 * i + 1]);
                }
            }
            return level[0];
        }

        @Override
        public void close() throws SQLException {
            if (leaves != null) {
                leaves.close();
            }
            if (node != null) {
                node.close();
            }
        }
    }
}
