package org.xroadng.securityserver.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.auditlog.access.store.H2AccessLog;
import org.xroadng.auditlog.access.store.SealedEvents;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.store.StoreException;
import org.xroadng.securityserver.ServerThreads;
import org.xroadng.securityserver.log.access.AccessLoggingLog;
import org.xroadng.securityserver.log.access.SealedEventCipher;
import org.xroadng.securityserver.log.archive.ArchiveTable;
import org.xroadng.securityserver.log.archive.MessageLogArchiver;
import org.xroadng.securityserver.log.journal.Journal;
import org.xroadng.securityserver.log.journal.JournalException;
import org.xroadng.securityserver.log.journal.JournalInUseException;
import org.xroadng.securityserver.log.journal.SegmentReader;
import org.xroadng.securityserver.log.timestamp.BatchTimestamper;
import org.xroadng.securityserver.log.timestamp.RecordStamp;
import org.xroadng.securityserver.log.timestamp.StampTable;
import org.xroadng.securityserver.message.MessageHashes;

/**
 * The message log and the access log of one server (DESIGN.md sections 6 and 7): every exchange
 * goes first into an append-only {@link Journal}, then into the H2 tables that answer queries.
 * One writer thread does both, with group commit.
 *
 * <p>Storage: each exchange is two message-log rows, its request (id n) and its response (id
 * n + 1), each with its own JWS, encrypted body ({@link RecordCipher}, the row's id and metadata
 * as associated data) and body SHA-256. Two rows rather than one keep "one row per signed
 * message", so each message can later be timestamped and exported as evidence on its own. Every
 * row is hash-linked to the row before it: {@code record_hash = SHA-256(prev_hash || canonical
 * bytes)} (see {@link LogRow}), the first row linking to 32 zero bytes. An exchange that names
 * data subjects also gets one access event ({@link AccessEvent}) in the access log, when this
 * log keeps one; so does a refused attempt that names them ({@link #refused}).
 *
 * <p>Guarantees: appends are written in the order the writer takes them from its queue; all
 * waiting appends (at most {@link MessageLogSettings#maxBatch()}) become one journal write, one
 * entry ({@link JournalEntry}) per exchange holding its rows and its access event (a restricted
 * access's stub with its encrypted secret, stored together in the access log), and one device
 * flush under {@link Durability#FSYNC}: an append's future completes only when its entry is
 * durable as {@link MessageLogSettings#durability()} says (under {@link Durability#ASYNC} once
 * queued, unless the exchange has an access event: that is written first whatever the setting), and
 * fails with a {@link MessageLogException} when it could not be kept. The journal entry is where
 * the records stay: {@code message_record} gets an index row per record (id, side, kind, query
 * id, times, hashes, and where its entry is, read back through {@link SegmentReader}) and the
 * access log its event, in the writer's transaction without forcing it, once the batch's answers
 * have gone out: queries that must see every answered exchange ({@link #find},
 * {@link #verifyChain}, a subject's events through {@link #acknowledgedAccessLog}) first wait for
 * the writer to have stored it ({@link #awaitTables}). H2 writes its files in
 * the background; every {@value #INDEX_SYNC_SECONDS} seconds (and on close) both databases are
 * forced, {@code journal_state} notes the last entry they hold (a restart replays and fully
 * checks only the entries after it), and the segments no index row refers to any more (their
 * records archived) are deleted. A full queue fails the future at
 * once with {@link MessageLogFullException}; the caller is never blocked. After {@link #close()}
 * the writer has written everything accepted before it and later appends fail.
 *
 * <p>After a failure the journal is the truth. A batch whose journal write or flush failed did
 * not happen: the journal is cut back to its last committed entry and the chain head stays where
 * it was. When H2 fails after the journal kept a batch (a full disk, H2 closing its store), the
 * batch is acknowledged (it is durable) and the tables are brought up to the journal again by
 * replaying it before the next batch, at most once a second, and on every start after a crash.
 * Any {@link Throwable} in the writer (an {@link OutOfMemoryError} while sealing a body, say)
 * fails the batch it was writing and the writer goes on; should the writer thread ever end
 * anyway, every waiting and later append fails at once and {@link #unavailable()} says why, so no
 * exchange waits forever. {@link #durableRecordId()} is the newest record the timestamper may stamp.
 */
public final class H2MessageLog implements MessageLog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(H2MessageLog.class);
    /** The log's tables: their migrations, and their schema on PostgreSQL. */
    public static final String DATABASE_NAME = "messagelog";
    private static final long POLL_MILLIS = 50;
    private static final long RETRY_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final int INDEX_SYNC_SECONDS = 2;
    /** Query index files written per index sync: 16 of {@value QueryIndex#CHUNK} rows each. */
    private static final int SEAL_CHUNKS = 16;
    private static final int REPLAY_BATCH = 256;
    /** How long a query waits at most for the tables to hold what was answered ({@link #awaitTables}). */
    static final long TABLE_WAIT_MILLIS = 5_000;
    private static final String READ_ONLY = "the message log was opened while its server runs (the server holds its"
            + " journal): it can be read, not written";

    private final Database db;
    /** The access log's database when this log opened it, closed with it. */
    private Database accessDb;
    /** Held while this log writes its tables, so no other process writes the same ones (PostgreSQL). */
    private Database.Lock writing;
    private final H2AccessLog accessLog;
    /** The access log is shared with other nodes of this server (PostgreSQL): they take turns at it. */
    private final boolean sharedAccessLog;
    private final Journal journal;
    /** Reads records' journal entries; also when the journal is not this log's to write. */
    private final SegmentReader segments;
    /** Where each query id's rows are, for an H2 table (which has no index on query_id); null on PostgreSQL. */
    private final QueryIndex queries;
    private final RecordCipher cipher;
    private final SecureRandom random;
    private final Clock clock;
    private final MessageLogSettings settings;
    private final MessageLogListener listener;
    private final BlockingQueue<Pending> queue;
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private final Thread writer;
    /** Forces the tables every {@value #INDEX_SYNC_SECONDS} s, so the writer never waits for it. */
    private final ExecutorService indexer = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, ServerThreads.name("message-log-indexer", this.threadTag));
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;
    /** The server whose threads these are, in their names ({@link ServerThreads}); null until told. */
    private volatile String threadTag;
    private volatile IntConsumer rowsWritten = rows -> { };
    // Owned by the writer thread once it runs.
    /** The chain head as the journal holds it. */
    private RecordTable.Head head;
    /** A journal write failed and cutting it back failed too: nothing is written until that works. */
    private boolean journalFailed;
    /** H2 failed after the journal kept a batch: the tables lag the journal until a replay works. */
    private boolean indexBehind;
    private long lastRetry;
    private boolean retried;
    private long lastIndexSync = System.nanoTime();
    /** The tables' forcing under way on the indexer, if any; its result is what the journal may release. */
    private Future<Long> indexing;
    private long reopeningsSeen;
    /** Why the log cannot take exchanges now; null while it can. */
    private volatile String unavailable;
    private volatile boolean writerStopped;
    /** The newest record id kept durably by the journal and stored in the tables. */
    private volatile long durableRecordId;
    /** The last journal entry whose exchange was answered: durable, though perhaps not in the tables yet. */
    private volatile long acknowledgedSequence;
    /** The last journal entry the tables hold, with every one before it; {@link #awaitTables} waits on it. */
    private volatile long storedSequence;
    private final Object storedChanged = new Object();
    private final LongAdder groupsWritten = new LongAdder();
    private final LongAdder exchangesWritten = new LongAdder();

    /**
     * What the writer kept since the log was opened: {@code groups} journal writes (one device
     * flush each under {@link Durability#FSYNC}) holding {@code exchanges} exchanges and refused
     * attempts; their ratio is the group commit's size.
     */
    public record Groups(long groups, long exchanges) {
    }

    /**
     * An exchange to keep, or (with {@code accessOnly}, its access event's outcome) an access for the
     * access log only: an attempt the provider refused, or an oversight reading.
     */
    private record Pending(ExchangeRecord record, String accessOnly, CompletableFuture<Void> future) {
    }

    private H2MessageLog(Database db, H2AccessLog accessLog, Journal journal, SegmentReader segments,
                         QueryIndex queries, RecordCipher cipher, SecureRandom random, Clock clock, MessageLogSettings settings,
                         MessageLogListener listener, RecordTable.Head head) {
        this.db = db;
        this.accessLog = accessLog;
        this.sharedAccessLog = accessLog != null && db.engine() == Database.Engine.POSTGRESQL;
        this.journal = journal;
        this.segments = segments;
        this.queries = queries;
        this.cipher = cipher;
        this.random = random;
        this.clock = clock;
        this.settings = settings;
        this.listener = listener;
        this.head = head;
        this.durableRecordId = head.id();
        this.reopeningsSeen = db.reopenings();
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.writer = new Thread(this::run, "message-log-writer");
    }

    /**
     * Opens (creating and migrating if needed) the log in the H2 file {@code file}, its journal in
     * the directory beside it ({@link #journalDir}), and no access log; see
     * {@link #open(Path, Path, MessageLogKey, Provider, SecureRandom, Clock, MessageLogSettings, MessageLogListener)}.
     */
    public static H2MessageLog open(Path file, MessageLogKey key, Provider provider, SecureRandom random,
                                    Clock clock, MessageLogSettings settings, MessageLogListener listener)
            throws MessageLogException {
        return open(file, null, key, provider, random, clock, settings, listener);
    }

    /**
     * Opens (creating and migrating if needed) the log in the H2 file {@code file}, its journal in
     * the directory beside it ({@link #journalDir}) and, unless {@code accessLogFile} is null, the
     * access log in that H2 file; see
     * {@link #open(DatabaseSettings, Path, Path, MessageLogKey, Provider, SecureRandom, Clock, MessageLogSettings, MessageLogListener)}.
     */
    public static H2MessageLog open(Path file, Path accessLogFile, MessageLogKey key, Provider provider,
                                    SecureRandom random, Clock clock, MessageLogSettings settings,
                                    MessageLogListener listener) throws MessageLogException {
        return open(DatabaseSettings.embedded(), file, accessLogFile, key, provider, random, clock, settings, listener);
    }

    /**
     * Opens (creating and migrating if needed) the log's tables (the H2 file {@code file}, or the
     * {@code messagelog} schema of the PostgreSQL database {@code database} names), its journal in
     * the directory beside {@code file} ({@link #journalDir}) and, unless {@code accessLogFile} is
     * null, the access log (that H2 file, or the {@code auditlog} schema); replays what the
     * journal holds and the tables lack (after a crash), forces both databases, and starts the
     * writer; the chain continues from the last record. While another process (its running
     * server) holds the journal, the log is opened for reading what that server stored: appends
     * fail, saying so. H2 databases keep H2's default write delay, so its background writer runs
     * and compacts the store.
     */
    public static H2MessageLog open(DatabaseSettings database, Path file, Path accessLogFile, MessageLogKey key,
                                    Provider provider, SecureRandom random, Clock clock, MessageLogSettings settings,
                                    MessageLogListener listener) throws MessageLogException {
        return open(database, null, file, accessLogFile, key, provider, random, clock, settings, listener);
    }

    /**
     * As {@link #open(DatabaseSettings, Path, Path, MessageLogKey, Provider, SecureRandom, Clock,
     * MessageLogSettings, MessageLogListener)}, for node {@code node} of a clustered server
     * (null: not clustered): on PostgreSQL the node's records are indexed in a schema of its own,
     * {@code messagelog_<node>}, beside its journal on the node's disk, while the access log is the
     * server's, shared by its nodes. Only one process at a time writes a node's schema: a second
     * is refused, naming it.
     */
    public static H2MessageLog open(DatabaseSettings database, String node, Path file, Path accessLogFile,
                                    MessageLogKey key, Provider provider, SecureRandom random, Clock clock,
                                    MessageLogSettings settings, MessageLogListener listener)
            throws MessageLogException {
        String schema = node == null ? DATABASE_NAME : DATABASE_NAME + "_" + node;
        return open(() -> database.openBehindJournal(file, DATABASE_NAME, schema), accessLogFile == null ? null
                        : () -> database.openBehindJournal(accessLogFile, H2MerkleLog.DATABASE_NAME,
                                H2MerkleLog.DATABASE_NAME), journalDir(file),
                Journal.Settings.defaults(), FileChannel::open, key, provider, random, clock, settings, listener);
    }

    /** The JDBC URL the log uses for {@code file}, for operators' tools and tests. */
    public static String jdbcUrl(Path file) {
        return Database.h2UrlBehindJournal(file);
    }

    /** The journal directory of the log in H2 file {@code file}: beside it, named after it. */
    public static Path journalDir(Path file) {
        return file.toAbsolutePath().resolveSibling(file.getFileName() + "-journal");
    }

    static H2MessageLog open(String jdbcUrl, String accessLogUrl, Path journalDir, Journal.Settings journalSettings,
                             Journal.ChannelOpener opener, MessageLogKey key, Provider provider, SecureRandom random,
                             Clock clock, MessageLogSettings settings, MessageLogListener listener)
            throws MessageLogException {
        return open(() -> Database.open(jdbcUrl, DATABASE_NAME), accessLogUrl == null ? null
                        : () -> Database.open(accessLogUrl, H2MerkleLog.DATABASE_NAME), journalDir, journalSettings,
                opener, key, provider, random, clock, settings, listener);
    }

    private static H2MessageLog open(Supplier<Database> tables, Supplier<Database> accessTables, Path journalDir,
                                     Journal.Settings journalSettings, Journal.ChannelOpener opener, MessageLogKey key,
                                     Provider provider, SecureRandom random, Clock clock, MessageLogSettings settings,
                                     MessageLogListener listener) throws MessageLogException {
        Objects.requireNonNull(listener, "listener");
        Database db;
        try {
            db = tables.get();
        } catch (RuntimeException e) {
            throw new MessageLogException("cannot open the message log database: " + e.getMessage(), e);
        }
        Database accessDb = null;
        Journal journal = null;
        Database.Lock writing = null;
        try {
            // The JDK's AES-GCM runs on the processor's AES and carry-less multiply instructions; Bouncy
            // Castle's is plain Java, and sealing took a sixth of the writer's time with it. Restricted
            // accesses' secrets are kept encrypted like message bodies, under the same key.
            Provider aes = Security.getProvider("SunJCE");
            RecordCipher cipher = new RecordCipher(key, aes != null ? aes : provider, random);
            H2AccessLog accessLog = null;
            if (accessTables != null) {
                accessDb = accessTables.get();
                accessLog = H2AccessLog.in(accessDb, new SealedEventCipher(cipher));
            }
            try {
                long indexed = db.inTransaction(H2MessageLog::indexedThrough);
                journal = Journal.open(journalDir, journalSettings, opener, indexed + 1);
            } catch (JournalInUseException e) {
                journal = null; // its server runs: read what the server stored, write nothing
            }
            QueryIndex queries = db.engine() == Database.Engine.H2 ? QueryIndex.besideJournal(journalDir) : null;
            H2MessageLog log = new H2MessageLog(db, accessLog, journal, new SegmentReader(journalDir, opener), queries,
                    cipher,
                    random, clock, settings, listener, db.inTransaction(RecordTable::head));
            log.accessDb = accessDb;
            if (journal == null) {
                log.unavailable = READ_ONLY;
                return log;
            }
            writing = db.tryLock(writerLockKey(db.schema())).orElseThrow(() -> new MessageLogException(
                    "another process writes the message log in schema '" + db.schema() + "' of this database: each"
                            + " node of a clustered security server needs a node name of its own (--node)"));
            log.writing = writing;
            log.catchUp();
            log.syncIndex();
            if (log.indexBehind) {
                throw new MessageLogException("the message log's tables cannot be brought up to its journal in "
                        + journalDir + ": " + log.unavailable);
            }
            log.writer.start();
            return log;
        } catch (JournalException | StoreException | IllegalStateException e) {
            if (writing != null) {
                writing.close();
            }
            if (journal != null) {
                journal.close();
            }
            if (accessDb != null) {
                accessDb.close();
            }
            db.close();
            throw new MessageLogException(e.getMessage(), e);
        } catch (MessageLogException e) {
            if (writing != null) {
                writing.close();
            }
            if (journal != null) {
                journal.close();
            }
            if (accessDb != null) {
                accessDb.close();
            }
            db.close();
            throw e;
        }
    }

    /**
     * Names this log's threads (and its journal's and time-stamper's, started later) as working for
     * {@code server} ({@link ServerThreads}).
     */
    public void nameThreads(String server) {
        threadTag = server;
        writer.setName(ServerThreads.name("message-log-writer", server));
        if (journal != null) {
            journal.nameThreads(ServerThreads.name("journal-spare", server));
        }
    }

    /** The server named by {@link #nameThreads}, or null. */
    public String threadTag() {
        return threadTag;
    }

    /** What the journal holds on disk, for metrics; empty when this log was opened for reading only. */
    public Optional<Journal.Stats> journalStats() {
        return journal == null ? Optional.empty() : Optional.of(journal.stats());
    }

    /** Groups and exchanges written so far, for metrics. */
    public Groups groups() {
        return new Groups(groupsWritten.sum(), exchangesWritten.sum());
    }

    /** The access log this log writes, if it keeps one: for the accessLog service and checkpoints. */
    public Optional<H2AccessLog> accessLog() {
        return Optional.ofNullable(accessLog);
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
        return enqueue(new Pending(record, null, new CompletableFuture<>()));
    }

    /**
     * A refused attempt that names subjects becomes an access event with the outcome
     * {@code refused <error type>} when this log keeps an access log; the message log keeps
     * nothing (it keeps signed exchanges only).
     */
    @Override
    public CompletableFuture<Void> refused(ExchangeRecord attempt, String refusal) {
        Objects.requireNonNull(attempt, "attempt");
        Objects.requireNonNull(refusal, "refusal");
        if (accessLog == null || AccessLoggingLog.subjectsOf(attempt).isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return enqueue(new Pending(attempt, "refused " + refusal, new CompletableFuture<>()));
    }

    /**
     * An access that is no exchange (an oversight reading of restricted events) becomes an access
     * event with the outcome {@code ok}, through the journal like every other, when this log keeps an
     * access log; the message log keeps nothing.
     */
    @Override
    public CompletableFuture<Void> accessed(ExchangeRecord access) {
        Objects.requireNonNull(access, "access");
        if (accessLog == null || AccessLoggingLog.subjectsOf(access).isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return enqueue(new Pending(access, AccessEvent.outcomeOf(access.status()), new CompletableFuture<>()));
    }

    private CompletableFuture<Void> enqueue(Pending pending) {
        if (journal == null) {
            return CompletableFuture.failedFuture(new MessageLogException(READ_ONLY));
        }
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
        // Asynchronous durability never covers an access event: a citizen's record is written before the answer.
        boolean async = settings.durability() == Durability.ASYNC
                && (accessLog == null || AccessLoggingLog.subjectsOf(pending.record()).isEmpty());
        return async ? CompletableFuture.completedFuture(null) : pending.future();
    }

    /**
     * The last exchange logged with this query id on this side ({@code consumer} or
     * {@code provider}), bodies decrypted; empty when there is none. Every exchange answered
     * before the call is found ({@link #awaitTables}).
     *
     * @throws RecordDecryptionException when a body fails authentication (wrong key, changed data)
     */
    public Optional<StoredExchange> find(String queryId, String side) throws MessageLogException {
        awaitTables();
        Optional<List<LogRow>> rows;
        try {
            if (queries == null) {
                rows = db.inTransaction(c -> RecordTable.lastExchange(c, queryId, side, entries()));
            } else {
                QueryIndex.Lookup lookup = queries.lookup(queryId);
                rows = db.inTransaction(c -> RecordTable.lastExchange(c, queryId, side, lookup, entries()));
            }
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
                ClientId.parse(request.client()), ServiceId.parse(request.service()), request.method(),
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
        awaitTables();
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT " + RecordTable.READ_COLUMNS
                        + " FROM message_record ORDER BY id")) {
                    s.setFetchSize(256);
                    try (ResultSet r = s.executeQuery()) {
                        return verify(r, ArchiveTable.chainStart(c), entries());
                    }
                }
            });
        } catch (StoreException e) {
            throw new MessageLogException(e.getMessage(), e);
        }
    }

    private static ChainVerification verify(ResultSet r, byte[] expectedPrev, RecordTable.Entries entries)
            throws SQLException {
        HexFormat hex = HexFormat.of();
        long count = 0;
        while (r.next()) {
            LogRow row;
            try {
                row = RecordTable.row(r, entries);
            } catch (StoreException e) {
                return new ChainVerification.Broken(r.getLong("id"), "its stored fields cannot be read: "
                        + e.getMessage(), "", "");
            }
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
            RecordTable.Entries entries = entries();
            return db.inTransaction(c -> Jdbc.query(c, "SELECT " + RecordTable.READ_COLUMNS
                    + " FROM message_record WHERE id = ?", r -> RecordTable.row(r, entries), recordId)).stream()
                    .findFirst().map(LogRow::fields);
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
     * The newest record id the journal keeps durably (forced to the device under
     * {@link Durability#FSYNC}) and the tables hold: records up to it may be time-stamped. Should
     * H2 lose some of them in a failure, replaying the journal stores them again byte for byte, so
     * a stamp over their hashes stays true.
     */
    public long durableRecordId() {
        return durableRecordId;
    }

    /** The database, for the {@link BatchTimestamper} and {@link MessageLogArchiver} of this log. */
    public Database database() {
        return db;
    }

    /**
     * Reads records' journal entries for one reader (one thread): the entry read last is kept, as
     * the two records of an exchange share it.
     */
    public RecordTable.Entries entries() {
        SharedPrefixes prefixes = new SharedPrefixes();
        return new RecordTable.Entries() {
            private RecordTable.Location last;
            private JournalEntry entry;

            @Override
            public JournalEntry at(RecordTable.Location location) {
                if (!location.equals(last)) {
                    try {
                        entry = JournalEntry.decode(segments.read(location.segment(), location.offset()),
                                prefixes.before(location.segment(), location.offset()));
                    } catch (JournalException | IllegalArgumentException e) {
                        throw new StoreException("cannot read the journal entry at segment " + location.segment()
                                + ", offset " + location.offset() + ": " + e.getMessage(), e);
                    }
                    last = location;
                }
                return entry;
            }
        };
    }

    /**
     * Reads the signatures version 3 entries begin like ({@link JournalGroup}) from the entries
     * they refer back to, for one reader (one thread): the entry read last is kept, as the entries
     * of one append refer to the same few.
     */
    private final class SharedPrefixes {
        private long segment = -1;
        private long offset = -1;
        private JournalEntry entry;

        /** The source of the prefixes of the entry at {@code offset} in {@code segment}. */
        JournalEntry.PrefixSource before(long segment, long offset) {
            return ref -> signature(segment, offset - ref.backBytes(), ref);
        }

        private byte[] signature(long segment, long at, JournalEntry.PrefixRef ref) {
            if (segment != this.segment || at != offset) {
                try {
                    // The row referred to is whole, but another row of its entry may refer further back.
                    entry = JournalEntry.decode(segments.read(segment, at), new SharedPrefixes().before(segment, at));
                } catch (JournalException e) {
                    throw new IllegalArgumentException("the entry whose signature it begins like, " + ref.backBytes()
                            + " bytes before it, cannot be read: " + e.getMessage(), e);
                }
                this.segment = segment;
                offset = at;
            }
            String signature = ref.row() < entry.rows().size() ? entry.rows().get(ref.row()).signature() : null;
            if (signature == null) {
                throw new IllegalArgumentException("the entry " + ref.backBytes() + " bytes before it has no signature"
                        + " in row " + ref.row());
            }
            return signature.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The lock a process writing the message log in {@code schema} holds: a hash of its name. */
    private static long writerLockKey(String schema) {
        byte[] digest = LogRow.sha256().digest(("xroad message log writer " + schema)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.nio.ByteBuffer.wrap(digest).getLong();
    }

    /** Up to which journal entry both databases hold everything, forced (0 when none is recorded). */
    private static long indexedThrough(Connection c) throws SQLException {
        return Jdbc.queryOne(c, "SELECT indexed_through FROM journal_state WHERE id = 1", r -> r.getLong(1))
                .orElse(0L);
    }

    /**
     * Tells {@code observer} on the writer thread how many rows each written batch added, after
     * the listener; for the {@link BatchTimestamper} to start a run when enough records wait.
     */
    public void observeRowsWritten(IntConsumer observer) {
        rowsWritten = Objects.requireNonNull(observer, "observer");
    }

    /**
     * Refuses new appends, writes everything already accepted, stops the writer, forces the tables
     * and releases the journal segments they cover, closes the databases.
     */
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
        indexer.shutdownNow();
        if (journal != null) {
            journal.close();
        }
        segments.close();
        if (writing != null) {
            writing.close();
        }
        if (accessDb != null) {
            accessDb.close();
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
            awaitIndexing();
            syncIndex();
        } catch (Throwable t) {
            // The reason goes to information systems, peers and GET /health: no class names or storage
            // details there; those are in the server's log.
            String reason = "the message log's writer stopped after an unexpected failure; restart the server";
            unavailable = reason;
            writerStopped = true;
            synchronized (storedChanged) {
                storedChanged.notifyAll(); // nobody waits for tables this writer will not fill
            }
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
                if ((journalFailed || indexBehind) && retryDue()) {
                    repair();
                }
                if (!journalFailed && !indexBehind && System.nanoTime() - lastIndexSync
                        > TimeUnit.SECONDS.toNanos(INDEX_SYNC_SECONDS)) {
                    syncIndexInBackground();
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, settings.maxBatch() - 1);
            try {
                if (db.reopenings() != reopeningsSeen) {
                    indexBehind = true; // H2 reopened its store under a failure (the timestamper's, say)
                }
                if (journalFailed || indexBehind) {
                    if (!retryDue()) {
                        // At most one repair a second: on a failing disk each may wait seconds, and the
                        // batches behind it would wait as long. They fail at once instead.
                        fail(batch, new MessageLogException(unavailable != null ? unavailable
                                : "the message log's storage failed moments ago; it is tried again within a second"));
                        batch.clear();
                        continue;
                    }
                    repair();
                }
                if (journalFailed || indexBehind) {
                    fail(batch, new MessageLogException(unavailable));
                } else {
                    write(batch);
                }
            } catch (Throwable e) {
                // Keep the writer alive, whatever failed (an OutOfMemoryError sealing a large body, a bug).
                // The batch's answers fail; if the journal kept it meanwhile, the tables are brought up to
                // the journal before the next batch, so they never miss a record the chain goes on from.
                journalFailed = journal.isFailed();
                indexBehind = true;
                fail(batch, new MessageLogException("message log writer failed: " + e, e));
            }
            batch.clear();
            if (System.nanoTime() - lastIndexSync > TimeUnit.SECONDS.toNanos(INDEX_SYNC_SECONDS)
                    && !journalFailed && !indexBehind) {
                syncIndexInBackground();
            }
        }
    }

    private boolean retryDue() {
        return !retried || System.nanoTime() - lastRetry > RETRY_INTERVAL_NANOS;
    }

    /** After a failure: cuts the journal back to its last committed entry, then brings the tables up to it. */
    private void repair() {
        retried = true;
        lastRetry = System.nanoTime();
        if (journalFailed) {
            try {
                journal.rollback();
                journalFailed = false;
            } catch (JournalException e) {
                unavailable = "the message log's journal cannot be written; check the server's disk";
                LOG.error("the message log's journal cannot be cut back after a failed write: {}", e.getMessage());
                return;
            }
        }
        if (indexBehind) {
            catchUp();
        }
        if (!journalFailed && !indexBehind) {
            unavailable = null;
        }
    }

    /**
     * Stores in the tables every journal entry they lack (after a crash, or after H2 failed while
     * the journal kept the batch). The tables are the truth for nothing the journal holds: an
     * entry is stored when its rows come after the table's last row and its access entry at the
     * access log's size, and the chain must continue without a gap.
     *
     * <p>The replay starts at the entry {@code journal_state} marks as the last indexed one, not
     * after it: its rows must be in the tables already. When they are not, the mark outlived the
     * rows (H2 kept a mark written after the rows it covers were lost), and the whole journal is
     * replayed instead, so those records are stored again rather than silently skipped.
     */
    private void catchUp() {
        try {
            RecordTable.Head stored = db.inTransaction(RecordTable::head);
            long reopenings = db.reopenings();
            // The turn at the access log, so no other node appends while this one fills it up.
            long accessSize = accessLog == null ? 0 : accessLog.takeTurn();
            long indexed = db.inTransaction(H2MessageLog::indexedThrough);
            long first = journal.stats().firstSequence();
            Replay replay = new Replay(stored, accessSize);
            try {
                journal.replay(Math.max(first, indexed), replay);
            } catch (JournalException gap) {
                if (indexed <= first) {
                    throw gap;
                }
                LOG.warn("the message log's tables lack records their journal mark says they hold ({}); replaying the"
                        + " whole journal", gap.getMessage());
                stored = db.inTransaction(RecordTable::head); // what the first try stored before the gap stays
                replay = new Replay(stored, accessLog == null ? 0 : accessLog.takeTurn());
                journal.replay(first, replay);
            }
            replay.store();
            if (replay.last.id() < head.id()) {
                throw new JournalException("the message log's tables and journal hold records up to "
                        + replay.last.id() + " but records up to " + head.id() + " were acknowledged");
            }
            head = replay.last;
            durableRecordId = head.id();
            reopeningsSeen = reopenings;
            indexBehind = false;
            stored(journal.committedSequence());
            if (stored.id() < head.id()) {
                LOG.info("the message log's tables were brought up to its journal: records {} to {}", stored.id() + 1,
                        head.id());
            }
        } catch (JournalException | RuntimeException e) {
            indexBehind = true;
            if (unavailable == null) {
                LOG.error("the message log's tables cannot be brought up to its journal: {}", e.getMessage());
            }
            unavailable = "the message log's storage cannot be read after a failed write; check the server's disk";
        } finally {
            if (accessLog != null) {
                accessLog.endTurn();
            }
        }
    }

    /**
     * Journal entries into the tables: the rows after the tables' last record (the chain must go
     * on from it without a gap) and the access events from the access log's size, stored in
     * transactions of {@value #REPLAY_BATCH}; what the tables hold already is skipped. A restricted
     * event's secret, carried in its stub's entry, is stored in the transaction that stores the
     * stub; for a stub the access log holds already, its secret's row is stored again if it is
     * missing (H2 lost it), so a stub the journal kept never stays without what opens it.
     */
    private final class Replay implements Journal.EntryConsumer {
        private final SharedPrefixes prefixes = new SharedPrefixes();
        private RecordTable.Head last;
        private long accessSize;
        private final List<LogRow> rows = new ArrayList<>();
        private final List<byte[]> hashes = new ArrayList<>();
        private final List<RecordTable.Location> locations = new ArrayList<>();
        private final List<byte[]> entries = new ArrayList<>();
        private final List<List<String>> subjects = new ArrayList<>();
        /** Secrets of the gathered entries that are restricted events' stubs, by position in {@link #entries}. */
        private final Map<Integer, SealedEvents.Secret> secrets = new HashMap<>();
        private final List<byte[]> overtaken = new ArrayList<>();
        private final List<List<String>> overtakenSubjects = new ArrayList<>();
        private final Map<Integer, SealedEvents.Secret> overtakenSecrets = new HashMap<>();
        /** Secrets of stubs the access log holds already, stored again if the database lost only them. */
        private final List<SealedEvents.Secret> storedStubs = new ArrayList<>();

        Replay(RecordTable.Head stored, long accessSize) {
            this.last = stored;
            this.accessSize = accessSize;
        }

        @Override
        public void accept(long sequence, byte[] payload) {
            throw new UnsupportedOperationException("the replay needs each entry's location");
        }

        @Override
        public void accept(long sequence, long segment, long offset, byte[] payload) throws JournalException {
            JournalEntry entry;
            try {
                entry = JournalEntry.decode(payload, prefixes.before(segment, offset));
            } catch (IllegalArgumentException e) {
                throw new JournalException("journal entry " + sequence + " cannot be read: " + e.getMessage());
            }
            for (LogRow row : entry.rows()) {
                if (row.id() <= last.id()) {
                    continue;
                }
                if (row.id() != last.id() + 1 || !MessageDigest.isEqual(row.prevHash(), last.hash())) {
                    throw new JournalException("journal entry " + sequence + " holds record " + row.id()
                            + " but the message log's tables end at record " + last.id()
                            + " with another hash: records between them are in neither");
                }
                byte[] hash = row.recordHash();
                rows.add(row);
                hashes.add(hash);
                locations.add(new RecordTable.Location(segment, offset));
                last = new RecordTable.Head(row.id(), hash);
            }
            JournalEntry.Access access = entry.access();
            long next = accessSize + entries.size();
            if (access != null && accessLog != null && access.index() >= next) {
                if (access.index() != next) {
                    throw new JournalException("journal entry " + sequence + " holds access event "
                            + access.index() + " but the access log ends at " + next);
                }
                if (access.secret() != null) {
                    secrets.put(entries.size(), access.secret());
                }
                entries.add(access.entry());
                subjects.add(access.subjects());
            } else if (access != null && accessLog != null && sharedAccessLog && access.index() < accessSize
                    && !java.util.Arrays.equals(accessLog.entry(access.index()), access.entry())) {
                // Another node's event holds the index this node journaled its own at: this node
                // stopped before storing it. It is appended again at the end, relinked.
                if (access.secret() != null) {
                    overtakenSecrets.put(overtaken.size(), access.secret());
                }
                overtaken.add(access.entry());
                overtakenSubjects.add(access.subjects());
            } else if (access != null && accessLog != null && access.secret() != null) {
                // The stub is stored; its secret's row is stored again should the database have lost it.
                storedStubs.add(access.secret());
            }
            if (rows.size() + entries.size() + storedStubs.size() >= REPLAY_BATCH) {
                store();
            }
        }

        /** Stores what was gathered since the last call, each log in one transaction. */
        void store() {
            if (!rows.isEmpty()) {
                db.inTransaction(c -> {
                    RecordTable.insert(c, rows, hashes, locations);
                    return null;
                });
            }
            if (!entries.isEmpty()) {
                accessLog.appendPrepared(new H2AccessLog.Prepared(accessSize, entries, subjects, secrets));
                accessSize += entries.size();
            }
            if (!storedStubs.isEmpty()) {
                int restored = accessLog.sealed().restore(storedStubs);
                if (restored > 0) {
                    LOG.warn("{} restricted access events' secrets the access log's database had lost were stored"
                            + " again from the journal", restored);
                }
                storedStubs.clear();
            }
            if (!overtaken.isEmpty()) {
                H2AccessLog.Prepared again = accessLog.prepareAgain(overtaken, overtakenSubjects, overtakenSecrets);
                accessLog.appendPrepared(again);
                accessSize = again.firstIndex() + overtaken.size();
                LOG.warn("{} access events this node journaled were overtaken by another node's and are appended"
                        + " again from index {}", overtaken.size(), again.firstIndex());
                overtaken.clear();
                overtakenSubjects.clear();
                overtakenSecrets.clear();
            }
            rows.clear();
            hashes.clear();
            locations.clear();
            entries.clear();
            subjects.clear();
            secrets.clear();
        }
    }

    /**
     * Forces both databases to the device, records in {@code journal_state} that they hold every
     * journal entry so far (a restart replays from the entry after), and deletes the journal
     * segments no record refers to any more (all of theirs archived), all on this thread: on open
     * and close. A failure here leaves the journal as it is: what H2 may have lost is replayed
     * from it.
     */
    private void syncIndex() {
        lastIndexSync = System.nanoTime();
        if (journalFailed || indexBehind) {
            return;
        }
        long releasable;
        try {
            releasable = forceIndex(journal.committedSequence(), head);
        } catch (RuntimeException e) {
            indexBehind = true;
            logIndexFailure(e);
            return;
        }
        release(releasable);
    }

    /**
     * As {@link #syncIndex}, with the forcing on the indexer thread (it took tens of milliseconds
     * on the writer, and every exchange waiting then waited as long); the writer releases the
     * segments once it is done. Every entry up to the committed one is in the tables already: the
     * writer stores each batch before it takes the next.
     */
    private void syncIndexInBackground() {
        lastIndexSync = System.nanoTime();
        collectIndexing();
        if (indexing != null || journalFailed || indexBehind) {
            return;
        }
        long covered = journal.committedSequence();
        RecordTable.Head stored = head;
        try {
            indexing = indexer.submit(() -> {
                long releasable = forceIndex(covered, stored);
                sealQueries();
                return releasable;
            });
        } catch (RejectedExecutionException e) {
            indexing = null; // closing: the writer forces the tables itself before it ends
        }
    }

    /**
     * Reports tables that could not be forced: an error, unless H2's shutdown hook closed them as
     * the JVM stops, which loses nothing (the journal holds every record and the next start
     * brings the tables up to date from it).
     */
    private static void logIndexFailure(Throwable failure) {
        if (Database.closedByVmShutdown(failure)) {
            LOG.info("the JVM is stopping and closed the message log's tables first; the next start brings them"
                    + " up to date from the journal");
        } else {
            LOG.error("the message log's tables could not be forced to the device: {}", failure.getMessage());
        }
    }

    /** On the writer: takes the result of a finished forcing, if there is one. */
    private void collectIndexing() {
        if (indexing == null || !indexing.isDone()) {
            return;
        }
        Future<Long> done = indexing;
        indexing = null;
        try {
            release(done.get());
        } catch (ExecutionException e) {
            indexBehind = true;
            logIndexFailure(e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On the writer, before it ends: waits for the forcing under way, if any. */
    private void awaitIndexing() {
        if (indexing == null) {
            return;
        }
        try {
            indexing.get();
        } catch (ExecutionException | InterruptedException e) {
            // collectIndexing reports it
        }
        collectIndexing();
    }

    /**
     * Forces both databases with {@code journal_state} saying they hold every entry up to
     * {@code covered}, whose last record is {@code stored}; returns through which entry the
     * journal may be released: no further than that, and not the segment of the oldest record
     * still in the table. The mark is written only while the table still holds {@code stored}: H2
     * may have reopened its file after a storage failure since the writer stored it, losing the
     * newest rows, and a mark past them would keep a restart (or the writer's catch-up) from ever
     * replaying them.
     *
     * @throws StoreException when the table no longer holds {@code stored}, or the databases fail
     */
    private long forceIndex(long covered, RecordTable.Head stored) {
        if (accessLog != null) {
            accessLog.merkleLog().sync();
        }
        long referenced = db.inTransaction(c -> {
            RecordTable.requireRecord(c, stored);
            if (Jdbc.update(c, "UPDATE journal_state SET indexed_through = ? WHERE id = 1", covered) == 0) {
                Jdbc.update(c, "INSERT INTO journal_state (id, indexed_through) VALUES (1, ?)", covered);
            }
            return Jdbc.queryOne(c, "SELECT journal_segment FROM message_record WHERE journal_segment IS NOT NULL"
                    + " ORDER BY id LIMIT 1", r -> r.getLong(1)).orElse(Long.MAX_VALUE);
        });
        db.sync();
        return Math.min(covered, referenced - 1);
    }

    /**
     * On the indexer: files the rows stored since the last call in the query index (at most
     * {@value #SEAL_CHUNKS} of its files per call). A failure only leaves lookups scanning more of
     * the table: it is logged, and the next call tries again.
     */
    private void sealQueries() {
        if (queries == null) {
            return;
        }
        try {
            queries.seal(db, SEAL_CHUNKS);
        } catch (IOException | RuntimeException e) {
            LOG.warn("the message log's query index in {} was not brought up to date (lookups by query id scan"
                    + " the newer records meanwhile): {}", queries.dir(), e.toString());
        }
    }

    /**
     * Files every whole {@code chunk} of stored rows in the query index now, on the indexer thread
     * as the log's own sealing (for tests: that waits for {@value QueryIndex#CHUNK} rows).
     */
    void sealQueryIndex(int chunk) throws IOException, InterruptedException {
        if (queries == null) {
            return;
        }
        awaitTables();
        try {
            indexer.submit(() -> new QueryIndex(queries.dir(), chunk).seal(db, Integer.MAX_VALUE)).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** The query index's directory, when the log has one (H2). */
    Optional<Path> queryIndexDir() {
        return Optional.ofNullable(queries).map(QueryIndex::dir);
    }

    /** On the writer: deletes the segments up to {@code through}. */
    private void release(long through) {
        try {
            if (journal.release(through) > 0) {
                segments.forget();
            }
        } catch (JournalException e) {
            LOG.warn("journal segments could not be deleted: {}", e.getMessage());
        }
    }

    private void write(List<Pending> batch) {
        Instant storedAt = clock.instant();
        List<LogRow> rows = new ArrayList<>(batch.size() * 2);
        List<byte[]> hashes = new ArrayList<>(batch.size() * 2);
        // Each row's signature as UTF-8, made once: the record hash, the journal entry and the access
        // event's request hash all take these bytes (a batch signature is some 5 KB).
        List<byte[]> signatures = new ArrayList<>(batch.size() * 2);
        List<AccessEvent> events = new ArrayList<>();
        int[] eventOf = new int[batch.size()];
        long id = head.id();
        byte[] prev = head.hash();
        try {
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                eventOf[i] = -1;
                byte[] requestSignature = null;
                if (p.accessOnly() == null) {
                    for (boolean request : new boolean[] {true, false}) {
                        LogRow row = row(++id, p.record(), request, storedAt, prev);
                        byte[] signature = LogRow.utf8(row.signature());
                        prev = row.recordHash(signature);
                        rows.add(row);
                        hashes.add(prev);
                        signatures.add(signature);
                        if (request) {
                            requestSignature = signature;
                        }
                    }
                } else {
                    requestSignature = LogRow.utf8(p.record().requestSignature());
                }
                List<String> subjects = AccessLoggingLog.subjectsOf(p.record());
                if (accessLog != null && !subjects.isEmpty()) {
                    eventOf[i] = events.size();
                    events.add(AccessLoggingLog.eventOf(p.record(), subjects, AccessLoggingLog.randomUuid(random),
                            p.accessOnly() == null ? AccessEvent.outcomeOf(p.record().status()) : p.accessOnly(),
                            random, requestSignature == null ? null : MessageHashes.sha256(requestSignature)));
                }
            }
        } catch (GeneralSecurityException e) {
            fail(batch, new MessageLogException("cannot encrypt message bodies: " + e.getMessage(), e));
            return;
        }
        H2AccessLog.Prepared prepared = null;
        if (!events.isEmpty()) {
            try {
                prepared = accessLog.prepare(events);
            } catch (RuntimeException e) {
                indexBehind = true;
                fail(batch, new MessageLogException("the access log cannot be read: " + e.getMessage(), e));
                return;
            }
        }
        try {
            keep(batch, rows, hashes, signatures, id, prev, prepared, events, eventOf);
        } finally {
            if (prepared != null) {
                accessLog.endTurn(); // held from preparing the events' indexes until they are stored or given up
            }
        }
    }

    /** The rest of {@link #write}: the journal, then the tables, then the answers. */
    private void keep(List<Pending> batch, List<LogRow> rows, List<byte[]> hashes, List<byte[]> signatures, long id,
                      byte[] prev, H2AccessLog.Prepared prepared, List<AccessEvent> events, int[] eventOf) {
        List<byte[]> payloads = new ArrayList<>(batch.size());
        JournalGroup group = new JournalGroup();
        int[] entryOfRow = new int[rows.size()];
        int row = 0;
        for (int i = 0; i < batch.size(); i++) {
            List<LogRow> own = List.of();
            List<byte[]> ownSignatures = List.of();
            if (batch.get(i).accessOnly() == null) {
                entryOfRow[row] = i;
                entryOfRow[row + 1] = i;
                own = rows.subList(row, row + 2);
                ownSignatures = signatures.subList(row, row + 2);
                row += 2;
            }
            // A restricted event's secret goes into its stub's entry: durable in the same write, replayed with it.
            JournalEntry.Access access = eventOf[i] < 0 ? null : new JournalEntry.Access(
                    prepared.firstIndex() + eventOf[i], prepared.entries().get(eventOf[i]), events.get(eventOf[i]).subjects(),
                    prepared.secrets().isEmpty() ? null : prepared.secrets().get(eventOf[i]));
            payloads.add(group.encode(new JournalEntry(own, access), ownSignatures));
        }
        long[] offsets = new long[payloads.size()];
        long segment;
        try {
            segment = journal.segmentOf(journal.append(payloads, offsets));
            journal.commit(settings.durability() == Durability.FSYNC);
        } catch (JournalException e) {
            journalFailed = true;
            unavailable = "the message log's journal failed to write; it is tried again within a second";
            fail(batch, new MessageLogException("cannot keep " + batch.size() + " exchanges: " + e.getMessage(), e));
            return;
        }
        head = new RecordTable.Head(id, prev);
        long committed = journal.committedSequence();
        // Durable now: the answers go out, then the tables are filled; the next batch waits for that,
        // the answers no longer do. Queries that must see what was answered wait for it (awaitTables).
        acknowledgedSequence = committed;
        groupsWritten.increment();
        exchangesWritten.add(batch.size());
        listener.batchWritten(batch.size(), rows.size());
        for (Pending p : batch) {
            p.future().complete(null);
        }
        try {
            if (!rows.isEmpty()) {
                List<RecordTable.Location> locations = new ArrayList<>(rows.size());
                for (int entry : entryOfRow) {
                    locations.add(new RecordTable.Location(segment, offsets[entry]));
                }
                RecordTable.Head before = new RecordTable.Head(rows.get(0).id() - 1, rows.get(0).prevHash());
                db.inTransaction(c -> {
                    // H2 may have reopened its file since the last batch and lost its newest rows: these
                    // then would leave a gap in the chain, which the catch-up fills from the journal instead.
                    RecordTable.requireHead(c, before);
                    RecordTable.insert(c, rows, hashes, locations);
                    return null;
                });
            }
            if (prepared != null) {
                accessLog.appendPrepared(prepared);
            }
            durableRecordId = id;
            stored(committed);
        } catch (RuntimeException e) {
            // Kept by the journal, so acknowledged; the tables are brought up to it before the next batch.
            indexBehind = true;
            LOG.error("{} exchanges are kept in the journal but not yet in the tables: {}", batch.size(),
                    e.getMessage());
        }
        rowsWritten.accept(rows.size());
    }

    /** On the writer: the tables hold every journal entry through {@code sequence}; wakes those waiting for it. */
    private void stored(long sequence) {
        synchronized (storedChanged) {
            storedSequence = sequence;
            storedChanged.notifyAll();
        }
    }

    /**
     * Waits until the tables hold every exchange answered before this call: the writer answers
     * once the journal keeps an exchange, and stores it in the tables right after. So a query
     * made after an answer finds it. Gives up after {@value #TABLE_WAIT_MILLIS} ms, or at once
     * when the writer has stopped or is the caller; the query then sees what the tables hold (after
     * a storage failure they lag until the journal is replayed into them).
     */
    public void awaitTables() {
        long target = acknowledgedSequence;
        if (storedSequence >= target || Thread.currentThread() == writer) {
            return; // on the writer (code run as an answer completes): it fills the tables once that returns
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TABLE_WAIT_MILLIS);
        synchronized (storedChanged) {
            while (storedSequence < target && !writerStopped) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(storedChanged, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * The access log of this message log, if it keeps one, for reading: {@link AccessLog#eventsOf}
     * first waits for the tables ({@link #awaitTables}), so a subject's events include every
     * exchange answered before the call.
     */
    public Optional<AccessLog> acknowledgedAccessLog() {
        if (accessLog == null) {
            return Optional.empty();
        }
        return Optional.of(new AccessLog() {
            @Override
            public long appendAll(List<AccessEvent> events) {
                return accessLog.appendAll(events);
            }

            @Override
            public List<StoredEvent> eventsOf(String subject, int limit) {
                awaitTables();
                return accessLog.eventsOf(subject, limit);
            }

            @Override
            public MerkleLog merkleLog() {
                return accessLog.merkleLog();
            }
        });
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
