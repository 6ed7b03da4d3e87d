package org.xroadng.securityserver.log.timestamp;

import java.io.IOException;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.tsp.TimeStampToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.certs.tsa.TimestampClient;
import org.xroadng.certs.tsa.TimestampException;
import org.xroadng.certs.tsa.Timestamper;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.StoreException;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.ServerThreads;
import org.xroadng.securityserver.log.H2MessageLog;

/**
 * Time-stamps the message log's records in batches (DESIGN.md section 6), on its own thread and
 * never on the message path.
 *
 * <p>Each run takes the unstamped records in id order, at most
 * {@link TimestampingSettings#maxBatchRecords()}, and builds the Merkle tree of RFC 9162 section
 * 2.1.1 whose leaf i is {@code SHA-256(0x00 || record_hash)} of the i-th record. The root, itself a
 * SHA-256 value, is sent as the SHA-256 message imprint of an RFC 3161 request to the approved
 * TSAs in the order the global configuration lists them; the first that answers with a token that
 * verifies against the certificate the configuration gives for it ({@link TimestampClient}: imprint,
 * nonce, signer, EKU, genTime near our clock) wins. The batch (root, its first and last record,
 * TSA, DER token, times) is then stored as one row, so a record is either stamped or not at all; a
 * record's inclusion path is computed from its batch's record hashes when it is asked for. A run
 * goes on with the next batch while full batches wait, so a backlog is worked off at once.
 *
 * <p>Runs happen every {@link TimestampingSettings#interval()} and also as soon as the log has
 * written {@code maxBatchRecords} rows since the last run began. Each outcome is reported to the
 * {@link TimestampHealth} (which the message path checks) and the {@link TimestampingListener}.
 */
public final class BatchTimestamper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchTimestamper.class);
    private static final long CLOSE_WAIT_SECONDS = 30;

    private final H2MessageLog log;
    private final Database db;
    private final TimestampingConfigurationSource configuration;
    private final TimestampHealth health;
    private final TimestampingSettings settings;
    private final Clock clock;
    private final Provider provider;
    private final SecureRandom random;
    private final TimestampingListener listener;
    private final ScheduledExecutorService executor;
    private final AtomicLong writtenSinceRun = new AtomicLong();
    private final AtomicBoolean runQueued = new AtomicBoolean();
    // Used on the timestamper thread only.
    private final Map<TimestampingConfiguration.Tsa, Timestamper> clients = new HashMap<>();

    private BatchTimestamper(H2MessageLog log, TimestampingConfigurationSource configuration, TimestampHealth health,
                             TimestampingSettings settings, Clock clock, Provider provider, SecureRandom random,
                             TimestampingListener listener) {
        this.log = Objects.requireNonNull(log, "log");
        this.db = log.database();
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.health = Objects.requireNonNull(health, "health");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.random = Objects.requireNonNull(random, "random");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, ServerThreads.name("message-log-timestamper", log.threadTag()));
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts time-stamping {@code log}'s records: the first run comes after one interval. Close the
     * timestamper before the log.
     *
     * @param health where outcomes are reported; the same instance guards the message path
     *               ({@link TimestampGuardedLog})
     */
    public static BatchTimestamper start(H2MessageLog log, TimestampingConfigurationSource configuration,
                                         TimestampHealth health, TimestampingSettings settings, Clock clock,
                                         Provider provider, SecureRandom random, TimestampingListener listener) {
        BatchTimestamper stamper = new BatchTimestamper(log, configuration, health, settings, clock, provider, random,
                listener);
        long interval = settings.interval().toNanos();
        stamper.executor.scheduleWithFixedDelay(stamper::runSafely, interval, interval, TimeUnit.NANOSECONDS);
        log.observeRowsWritten(stamper::rowsWritten);
        return stamper;
    }

    /** The health this timestamper reports to. */
    public TimestampHealth health() {
        return health;
    }

    /** How many records wait for a time-stamp now (the log's lag); empty when the table cannot be read. */
    public OptionalLong unstampedRecords() {
        try {
            return OptionalLong.of(db.inTransaction(StampTable::countUnstamped));
        } catch (StoreException e) {
            return OptionalLong.empty();
        }
    }

    /** Stops the schedule and waits for a run in progress (up to 30 s, then interrupts it). */
    @Override
    public void close() {
        log.observeRowsWritten(rows -> { });
        executor.shutdown();
        boolean interrupted = false;
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void rowsWritten(int rows) {
        if (writtenSinceRun.addAndGet(rows) >= settings.maxBatchRecords() && runQueued.compareAndSet(false, true)) {
            try {
                executor.execute(this::runSafely);
            } catch (RejectedExecutionException e) {
                // Closing: the records stay unstamped until the next start.
                runQueued.set(false);
            }
        }
    }

    /**
     * One run, on the schedule: whatever it throws is reported to the health (which then refuses
     * exchanges once stamping is overdue) and the schedule goes on; an exception escaping a
     * scheduled task would cancel every later run without a word.
     */
    private void runSafely() {
        try {
            run();
        } catch (Throwable e) {
            LOG.error("message log timestamper failed unexpectedly", e);
            fail(-1, "the timestamper failed unexpectedly: " + e);
        }
    }

    private void run() {
        writtenSinceRun.set(0);
        runQueued.set(false);
        List<StampTable.Unstamped> waiting = unstamped();
        if (waiting == null || waiting.isEmpty()) {
            return;
        }
        TimestampingConfiguration conf;
        try {
            conf = configuration.current();
        } catch (ExchangeException e) {
            fail(waiting.size(), "no valid global configuration to find the approved TSAs in: " + e.getMessage());
            return;
        }
        health.acceptableFailure(conf.acceptableFailure());
        clients.keySet().retainAll(conf.tsas());
        while (stamp(conf, waiting) && waiting.size() >= settings.maxBatchRecords() && !executor.isShutdown()) {
            waiting = unstamped();
            if (waiting == null || waiting.isEmpty()) {
                return;
            }
        }
    }

    /** The oldest unstamped records with consecutive ids; null (reported) when they cannot be read. */
    private List<StampTable.Unstamped> unstamped() {
        List<StampTable.Unstamped> rows;
        try {
            long durable = log.durableRecordId(); // never a record a failed write may yet take back
            rows = db.inTransaction(c -> StampTable.unstamped(c, settings.maxBatchRecords(), durable));
        } catch (StoreException e) {
            fail(-1, "cannot read the unstamped records: " + e.getMessage());
            return null;
        }
        // The writer assigns ids densely, so this cuts nothing unless rows were removed by hand.
        List<StampTable.Unstamped> run = new ArrayList<>(rows.size());
        for (StampTable.Unstamped row : rows) {
            if (!run.isEmpty() && row.id() != run.get(run.size() - 1).id() + 1) {
                break;
            }
            run.add(row);
        }
        return run;
    }

    /** Stamps one batch; true when it was stored, false when the failure was reported. */
    private boolean stamp(TimestampingConfiguration conf, List<StampTable.Unstamped> records) {
        InMemoryMerkleLog tree = new InMemoryMerkleLog();
        for (StampTable.Unstamped record : records) {
            tree.append(record.recordHash());
        }
        int size = records.size();
        byte[] root = tree.root();
        if (conf.tsas().isEmpty()) {
            fail(size, "the global configuration approves no TSA");
            return false;
        }
        StringBuilder errors = new StringBuilder();
        TimestampingConfiguration.Tsa used = null;
        byte[] token = null;
        Instant genTime = null;
        for (TimestampingConfiguration.Tsa tsa : conf.tsas()) {
            try {
                TimeStampToken granted = client(tsa).timestamp(root);
                token = granted.getEncoded();
                genTime = granted.getTimeStampInfo().getGenTime().toInstant();
                used = tsa;
                break;
            } catch (TimestampException | IOException e) {
                LOG.warn("TSA {} did not time-stamp a batch of {} records: {}", tsa.url(), size, e.getMessage());
                errors.append(errors.length() == 0 ? "" : "; ").append(tsa.url()).append(": ").append(e.getMessage());
            }
        }
        if (used == null) {
            fail(size, "no approved TSA time-stamped the batch: " + errors);
            return false;
        }
        Instant stampedAt = clock.instant();
        TimestampBatch pending = new TimestampBatch(0, root, size, records.get(0).id(), used.url().toString(), token,
                stampedAt, genTime);
        long id;
        try {
            id = db.inTransaction(c -> StampTable.insert(c, pending, records));
        } catch (StoreException e) {
            fail(size, "got a token from " + used.url() + " but could not store the batch: " + e.getMessage());
            return false;
        }
        TimestampBatch stored = new TimestampBatch(id, root, size, pending.firstRecordId(), pending.tsaUrl(), token,
                stampedAt, genTime);
        health.succeeded(stampedAt);
        LOG.debug("stamped batch {} of {} records (ids {}..{}) by {}", id, size, stored.firstRecordId(),
                stored.lastRecordId(), stored.tsaUrl());
        listener.batchStamped(stored);
        return true;
    }

    private Timestamper client(TimestampingConfiguration.Tsa tsa) {
        return clients.computeIfAbsent(tsa, t -> new TimestampClient(t.url(), t.certificate(), clock, provider, random,
                settings.tsaTimeout()));
    }

    private void fail(int waiting, String reason) {
        health.failed(clock.instant(), reason);
        listener.stampingFailed(waiting, reason);
    }
}
