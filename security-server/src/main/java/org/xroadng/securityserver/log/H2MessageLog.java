package org.xroadng.securityserver.log;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.store.StoreException;

/**
 * The message log in an H2 database (schema db/messagelog), written by one writer thread with
 * group commit.
 *
 * <p>Storage: each exchange is two rows, its request (id n) and its response (id n + 1), each
 * with its own JWS, encrypted body ({@link RecordCipher}, the row's id and metadata as associated
 * data) and body SHA-256. Two rows rather than one keep "one row per signed message", so each
 * message can later be timestamped and exported as evidence on its own. Every row is hash-linked
 * to the row before it: {@code record_hash = SHA-256(prev_hash || canonical bytes)} (see
 * {@link LogRow}), the first row linking to 32 zero bytes.
 *
 * <p>Guarantees: appends are written in the order the writer takes them from its queue; all
 * waiting appends (at most {@link MessageLogSettings#maxBatch()}) go into one transaction, so a
 * batch is stored whole or not at all; an append's future completes only when its rows are
 * durable as {@link MessageLogSettings#durability()} says (except {@link Durability#ASYNC}), and
 * fails with a {@link MessageLogException} when they could not be stored. A full queue fails the
 * future at once with {@link MessageLogFullException}; the caller is never blocked. After
 * {@link #close()} the writer has written everything accepted before it and later appends fail.
 *
 * <p>After a failure the database is the truth. A batch whose insert, commit or sync failed did
 * not happen as far as any caller knows (its futures fail), but H2 may have kept it or, closing
 * and reopening its store, lost it; so the chain head is reloaded from the database before the
 * next batch is hashed, and the writer keeps trying that while idle. Any {@link Throwable} in the
 * writer (an {@link OutOfMemoryError} while sealing a body, say) fails the batch it was writing
 * and the writer goes on; should the writer thread ever end anyway, every waiting and later append
 * fails at once and {@link #unavailable()} says why, so no exchange waits forever.
 * {@link #durableRecordId()} is the newest record the timestamper may stamp.
 */
public final class H2MessageLog implements MessageLog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(H2MessageLog.class);
    private static final long POLL_MILLIS = 50;
    private static final long RELOAD_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Database db;
    private final RecordCipher cipher;
    private final Clock clock;
    private final MessageLogSettings settings;
    private final MessageLogListener listener;
    private final BlockingQueue<Pending> queue;
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private final Thread writer;
    private volatile boolean closed;
    private volatile IntConsumer rowsWritten = rows -> { };
    // Owned by the writer thread once it runs.
    private RecordTable.Head head;
    /** Owned by the writer thread: a failure left {@link #head} possibly out of step with the database. */
    private boolean stale;
    private long reopeningsSeen;
    private boolean reloadAttempted;
    private long lastReloadAttempt;
    /** Why the log cannot take exchanges now; null while it can. */
    private volatile String unavailable;
    private volatile boolean writerStopped;
    /** The newest record id committed (and, under {@link Durability#FSYNC}, forced to the device). */
    private volatile long durableRecordId;

    private record Pending(ExchangeRecord record, CompletableFuture<Void> future) {
    }

    private H2MessageLog(Database db, RecordCipher cipher, Clock clock, MessageLogSettings settings,
                         MessageLogListener listener, RecordTable.Head head) {
        this.db = db;
        this.cipher = cipher;
        this.clock = clock;
        this.settings = settings;
        this.listener = listener;
        this.head = head;
        this.durableRecordId = head.id();
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.writer = new Thread(this::run, "message-log-writer");
    }

    /**
     * Opens (creating and migrating if needed) the log in the H2 file {@code file} and starts its
     * writer; the chain continues from the last stored record. Each batch reaches the file before
     * its appends complete ({@code CHECKPOINT}, or {@code CHECKPOINT SYNC} under
     * {@link Durability#FSYNC}); the database keeps H2's default write delay, so its background
     * writer runs and compacts the store. (With {@code WRITE_DELAY=0} it does not, and every
     * commit's chunk stays in the store and its metadata on the heap: the heap grew without end.)
     */
    public static H2MessageLog open(Path file, MessageLogKey key, Provider provider, SecureRandom random,
                                    Clock clock, MessageLogSettings settings, MessageLogListener listener)
            throws MessageLogException {
        return open(jdbcUrl(file), key, provider, random, clock, settings, listener);
    }

    /** The JDBC URL the log uses for {@code file}, for operators' tools and tests. */
    public static String jdbcUrl(Path file) {
        return "jdbc:h2:file:" + file.toAbsolutePath() + ";AUTO_SERVER=TRUE";
    }

    static H2MessageLog open(String jdbcUrl, MessageLogKey key, Provider provider, SecureRandom random, Clock clock,
                             MessageLogSettings settings, MessageLogListener listener) throws MessageLogException {
        Database db;
        try {
            db = Database.open(jdbcUrl, "messagelog");
        } catch (RuntimeException e) {
            throw new MessageLogException("cannot open the message log database: " + e.getMessage(), e);
        }
        try {
            RecordTable.Head head = db.inTransaction(RecordTable::head);
            H2MessageLog log = new H2MessageLog(db, new RecordCipher(key, provider, random), clock, settings,
                    Objects.requireNonNull(listener, "listener"), head);
            log.writer.start();
            return log;
        } catch (StoreException e) {
            db.close();
            throw new MessageLogException(e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Void> append(ExchangeRecord record) {
        Objects.requireNonNull(record, "record");
        if (!"consumer".equals(record.side()) && !"provider".equals(record.side())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "exchange side is " + record.side() + "; allowed: consumer, provider"));
        }
        if (record.queryId() == null || record.at() == null || record.client() == null || record.service() == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "an exchange needs a query id, a client, a service and a time"));
        }
        Pending pending = new Pending(record, new CompletableFuture<>());
        closing.readLock().lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new MessageLogException("message log is closed"));
            }
            if (writerStopped) {
                return CompletableFuture.failedFuture(new MessageLogException(unavailable));
            }
            if (!queue.offer(pending)) {
                return CompletableFuture.failedFuture(new MessageLogFullException(settings.queueCapacity()));
            }
            if (writerStopped && queue.remove(pending)) {
                // The writer stopped while this was offered; nobody will take it.
                return CompletableFuture.failedFuture(new MessageLogException(unavailable));
            }
        } finally {
            closing.readLock().unlock();
        }
        return settings.durability() == Durability.ASYNC ? CompletableFuture.completedFuture(null) : pending.future();
    }

    /**
     * The last exchange logged with this query id on this side ({@code consumer} or
     * {@code provider}), bodies decrypted; empty when there is none.
     *
     * @throws RecordDecryptionException when a body fails authentication (wrong key, changed data)
     */
    public Optional<StoredExchange> find(String queryId, String side) throws MessageLogException {
        Optional<List<LogRow>> rows;
        try {
            rows = db.inTransaction(c -> RecordTable.lastExchange(c, queryId, side));
        } catch (StoreException e) {
            throw new MessageLogException(e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        LogRow request = rows.get().get(0);
        LogRow response = rows.get().get(1);
        byte[] requestBody = cipher.open(request.id(), request.bodySealed(), request.associatedData());
        byte[] responseBody = cipher.open(response.id(), response.bodySealed(), response.associatedData());
        ExchangeRecord exchange = new ExchangeRecord(request.side(), request.queryId(), request.requestId(),
                SubsystemId.parse(request.client()), ServiceId.parse(request.service()), request.method(),
                request.path(), request.userId(), request.issue(), request.purpose(), request.subjects(),
                response.dataSubjects(), request.signature(), requestBody, response.signature(), responseBody,
                response.status() == null ? 0 : response.status(), response.exchangedAt());
        return Optional.of(new StoredExchange(request.id(), response.id(), exchange));
    }

    /**
     * Re-computes every record's hash from its stored fields and checks each link to the record
     * before it, in id order; reports the first record that fails. Needs no key. A removed or
     * inserted row breaks the link of the row after it; removing the newest rows is only caught
     * against an external anchor (the timestamps, later). After retention
     * ({@link MessageLogArchiver}) the first remaining record links to the last archived record's
     * hash, kept in {@code archive_state}, instead of the genesis.
     */
    public ChainVerification verifyChain() throws MessageLogException {
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT " + RecordTable.COLUMNS
                        + " FROM message_record ORDER BY id")) {
                    s.setFetchSize(256);
                    try (ResultSet r = s.executeQuery()) {
                        return verify(r, ArchiveTable.chainStart(c));
                    }
                }
            });
        } catch (StoreException e) {
            throw new MessageLogException(e.getMessage(), e);
        }
    }

    private static ChainVerification verify(ResultSet r, byte[] expectedPrev) throws SQLException {
        HexFormat hex = HexFormat.of();
        long count = 0;
        while (r.next()) {
            LogRow row = RecordTable.row(r);
            byte[] stored = r.getBytes("record_hash");
            if (!MessageDigest.isEqual(expectedPrev, row.prevHash())) {
                return new ChainVerification.Broken(row.id(), "its link to the previous record does not match",
                        hex.formatHex(expectedPrev), hex.formatHex(row.prevHash()));
            }
            byte[] computed = row.recordHash();
            if (!MessageDigest.isEqual(computed, stored)) {
                return new ChainVerification.Broken(row.id(), "its fields do not hash to its stored record hash",
                        hex.formatHex(stored), hex.formatHex(computed));
            }
            expectedPrev = stored;
            count++;
        }
        return new ChainVerification.Intact(count, hex.formatHex(expectedPrev));
    }

    /**
     * The time-stamp evidence of record {@code recordId} (a request's or a response's row, see
     * {@link StoredExchange}): its batch with the RFC 3161 token over the batch root, its leaf
     * index and its inclusion path. Empty while the record is not stamped yet, or when there is no
     * such record. Check it with {@link RecordStamp#verify}.
     */
    public Optional<RecordStamp> stampOf(long recordId) throws MessageLogException {
        try {
            return db.inTransaction(c -> StampTable.stampOf(c, recordId));
        } catch (StoreException | IllegalArgumentException e) {
            throw new MessageLogException("cannot read the stamp of record " + recordId + ": " + e.getMessage(), e);
        }
    }

    /**
     * The hashed fields of record {@code recordId} as stored, for evidence: from them and nothing
     * else {@link RecordFields#recordHash()} recomputes the record hash. Needs no key. Empty when
     * there is no such record.
     */
    public Optional<RecordFields> fieldsOf(long recordId) throws MessageLogException {
        try {
            return db.inTransaction(c -> Jdbc.query(c, "SELECT " + RecordTable.COLUMNS
                    + " FROM message_record WHERE id = ?", RecordTable::row, recordId)).stream().findFirst()
                    .map(LogRow::fields);
        } catch (StoreException e) {
            throw new MessageLogException("cannot read record " + recordId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Why this log cannot keep exchanges now (its writer stopped, or its storage cannot even be
     * read back after a failure), or empty while it can; the proxies refuse exchanges before doing
     * any work while it says so.
     */
    @Override
    public Optional<String> unavailable() {
        return Optional.ofNullable(unavailable);
    }

    /**
     * The newest record id whose batch committed (and was forced to the device under
     * {@link Durability#FSYNC}) with no failure since that could have lost it: records up to it
     * may be time-stamped, since a stamp over a record the disk then lost would stamp a hash the
     * log no longer holds.
     */
    long durableRecordId() {
        return durableRecordId;
    }

    /** The database, for the {@link BatchTimestamper} of this log. */
    Database database() {
        return db;
    }

    /**
     * Tells {@code observer} on the writer thread how many rows each written batch added, after
     * the listener; for the {@link BatchTimestamper} to start a run when enough records wait.
     */
    void observeRowsWritten(IntConsumer observer) {
        rowsWritten = Objects.requireNonNull(observer, "observer");
    }

    /** Refuses new appends, writes everything already accepted, stops the writer, closes the database. */
    @Override
    public void close() {
        closing.writeLock().lock();
        try {
            closed = true;
        } finally {
            closing.writeLock().unlock();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        db.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The writer thread: drains the queue until closed; if it ever ends otherwise, says so and fails everyone. */
    private void run() {
        try {
            drain();
        } catch (Throwable t) {
            // The reason goes to information systems, peers and GET /health: no class names or storage
            // details there; those are in the server's log.
            String reason = "the message log's writer stopped after an unexpected failure; restart the server";
            unavailable = reason;
            writerStopped = true;
            LOG.error("{}", reason, t);
            failQueued(new MessageLogException(reason, t));
            try {
                listener.batchFailed(0, new MessageLogException(reason, t));
            } catch (Throwable ignored) {
                // The listener is what failed, perhaps: the futures are failed already, which is what matters.
            }
        }
    }

    private void failQueued(MessageLogException cause) {
        Pending left;
        while ((left = queue.poll()) != null) {
            left.future().completeExceptionally(cause);
        }
    }

    private void drain() {
        List<Pending> batch = new ArrayList<>(settings.maxBatch());
        while (true) {
            Pending first;
            try {
                first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // Nobody interrupts the writer but close's caller expects every accepted record written.
                continue;
            }
            if (first == null) {
                if (closed && queue.isEmpty()) {
                    return;
                }
                if (stale && (!reloadAttempted || System.nanoTime() - lastReloadAttempt > RELOAD_INTERVAL_NANOS)) {
                    reload();
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, settings.maxBatch() - 1);
            try {
                if (db.reopenings() != reopeningsSeen) {
                    stale = true; // the database was opened again under a failure (the timestamper's, say)
                }
                if (!stale) {
                    write(batch);
                } else if (reloadAttempted && System.nanoTime() - lastReloadAttempt < RELOAD_INTERVAL_NANOS) {
                    // At most one reload a second: on a failing disk each may wait seconds on H2's file lock,
                    // and the batches behind it would wait as long. They fail at once instead.
                    fail(batch, new MessageLogException(unavailable != null ? unavailable
                            : "the message log's storage failed moments ago; it is tried again within a second"));
                } else if (reload()) {
                    write(batch);
                } else {
                    fail(batch, new MessageLogException(unavailable));
                }
            } catch (Throwable e) {
                // Keep the writer alive, whatever failed (an OutOfMemoryError sealing a large body, a bug):
                // this batch did not happen, and the next one starts from what the database holds.
                stale = true;
                fail(batch, new MessageLogException("message log writer failed: " + e, e));
            }
            batch.clear();
        }
    }

    /**
     * Reloads the chain head from the database after a failure; true when that worked. A
     * database that holds fewer records than were acknowledged as durable cannot be trusted: the
     * log then refuses everything and says so.
     */
    private boolean reload() {
        reloadAttempted = true;
        lastReloadAttempt = System.nanoTime();
        long reopenings = db.reopenings();
        RecordTable.Head loaded;
        try {
            loaded = db.inTransaction(RecordTable::head);
        } catch (RuntimeException e) {
            if (unavailable == null) {
                LOG.error("the message log's storage cannot be read after a failed write: {}", e.getMessage());
            }
            unavailable = "the message log's storage cannot be read after a failed write; check the server's disk";
            return false;
        }
        if (loaded.id() < durableRecordId && settings.durability() == Durability.ASYNC) {
            durableRecordId = loaded.id(); // async acknowledged them unwritten: losing them is what it allows
        }
        if (loaded.id() < durableRecordId) {
            if (unavailable == null) {
                LOG.error("the message log holds records up to {} but records up to {} were acknowledged as"
                        + " durable: the storage lost them; stop the server and check the disk; it starts again"
                        + " from the records that are stored", loaded.id(), durableRecordId);
            }
            unavailable = "the message log's storage lost records it had acknowledged; check the server's disk";
            return false;
        }
        head = loaded;
        stale = false;
        reopeningsSeen = reopenings;
        unavailable = null;
        return true;
    }

    private void write(List<Pending> batch) {
        Instant storedAt = clock.instant();
        List<LogRow> rows = new ArrayList<>(batch.size() * 2);
        List<byte[]> hashes = new ArrayList<>(batch.size() * 2);
        long id = head.id();
        byte[] prev = head.hash();
        try {
            for (Pending p : batch) {
                for (boolean request : new boolean[] {true, false}) {
                    LogRow row = row(++id, p.record(), request, storedAt, prev);
                    prev = row.recordHash();
                    rows.add(row);
                    hashes.add(prev);
                }
            }
        } catch (GeneralSecurityException e) {
            fail(batch, new MessageLogException("cannot encrypt message bodies: " + e.getMessage(), e));
            return;
        }
        try {
            db.inTransaction(c -> {
                RecordTable.insert(c, rows, hashes);
                return null;
            });
        } catch (StoreException e) {
            stale = true;
            fail(batch, new MessageLogException("cannot store " + batch.size() + " exchanges: " + e.getMessage(), e));
            return;
        }
        head = new RecordTable.Head(id, prev);
        if (settings.durability() != Durability.ASYNC) {
            try {
                if (settings.durability() == Durability.FSYNC) {
                    db.sync();
                } else {
                    db.flush();
                }
            } catch (StoreException e) {
                stale = true;
                fail(batch, new MessageLogException("stored " + batch.size()
                        + " exchanges but could not write them to the file: " + e.getMessage(), e));
                return;
            }
        }
        durableRecordId = id;
        listener.batchWritten(batch.size(), rows.size());
        rowsWritten.accept(rows.size());
        for (Pending p : batch) {
            p.future().complete(null);
        }
    }

    private LogRow row(long id, ExchangeRecord r, boolean request, Instant storedAt, byte[] prev)
            throws GeneralSecurityException {
        String kind = request ? LogRow.REQUEST : LogRow.RESPONSE;
        byte[] body = request ? r.requestBody() : r.responseBody();
        body = body == null ? new byte[0] : body;
        byte[] sealed = cipher.seal(body, LogRow.associatedData(id, r.side(), kind, r.queryId(), r.requestId()));
        return new LogRow(id, r.side(), kind, r.queryId(), r.requestId(), r.client().format(), r.service().format(),
                r.method(), r.path(), r.userId(), r.issue(), r.purpose(), r.subjects(),
                request ? List.of() : r.dataSubjects(), request ? null : r.status(), r.at(), storedAt,
                request ? r.requestSignature() : r.responseSignature(), LogRow.sha256().digest(body), sealed, prev);
    }

    /** Fails the batch's futures first, so nobody waits on them whatever the listener does. */
    private void fail(List<Pending> batch, MessageLogException cause) {
        for (Pending p : batch) {
            p.future().completeExceptionally(cause);
        }
        listener.batchFailed(batch.size(), cause);
    }
}
