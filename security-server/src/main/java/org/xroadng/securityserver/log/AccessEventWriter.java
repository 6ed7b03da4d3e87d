package org.xroadng.securityserver.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLog;

/**
 * Group commit for the access log: events queue up and one writer thread appends whatever has
 * gathered (up to {@code maxBatch}) in one {@link AccessLog#appendAll} transaction, so the cost of
 * a commit is shared by every exchange that finished meanwhile.
 *
 * <p>Guarantees: an event's future completes with its leaf index once its batch is committed (and,
 * with {@link Durability#FSYNC}, forced to the storage device), or fails if the batch could not be
 * stored (then none of the batch is in the log) or forced. The other durabilities commit without
 * the device flush; an access event is never acknowledged before it is committed, so
 * {@link Durability#ASYNC} counts as {@link Durability#COMMIT} here. Events are
 * appended in the order they were queued. A full queue fails the append at once rather than
 * blocking the caller (an event loop). {@link #close} writes what is queued, then stops.
 *
 * <p>Any {@link Throwable} while writing a batch fails that batch's futures (with a
 * {@link MessageLogException} naming the cause) and the writer goes on; the log reloads its state
 * from the database before the next batch. Should the thread end anyway, every waiting and later
 * event fails at once and {@link #unavailable()} says why.
 */
public final class AccessEventWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessEventWriter.class);
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    public static final int DEFAULT_MAX_BATCH = 512;

    private record Pending(AccessEvent event, CompletableFuture<Long> done) {
    }

    private final AccessLog log;
    private final BlockingQueue<Pending> queue;
    private final int maxBatch;
    private final boolean sync;
    private final Thread writer;
    private volatile boolean closed;
    private volatile String unavailable;

    private AccessEventWriter(AccessLog log, Durability durability, int capacity, int maxBatch) {
        this.log = Objects.requireNonNull(log, "log");
        this.sync = Objects.requireNonNull(durability, "durability") == Durability.FSYNC;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.writer = new Thread(this::run, "access-log-writer");
        this.writer.setDaemon(true);
    }

    public static AccessEventWriter start(AccessLog log, Durability durability) {
        return start(log, durability, DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_BATCH);
    }

    public static AccessEventWriter start(AccessLog log, Durability durability, int capacity, int maxBatch) {
        if (capacity < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("capacity and maxBatch must be positive, not " + capacity + " and "
                    + maxBatch);
        }
        AccessEventWriter writer = new AccessEventWriter(log, durability, capacity, maxBatch);
        writer.writer.start();
        return writer;
    }

    /** Queues the event; the future completes with its index when it is committed. */
    public CompletableFuture<Long> append(AccessEvent event) {
        Objects.requireNonNull(event, "event");
        if (closed) {
            return CompletableFuture.failedFuture(new MessageLogException("the access log is closed"));
        }
        String down = unavailable;
        if (down != null) {
            return CompletableFuture.failedFuture(new MessageLogException(down));
        }
        Pending pending = new Pending(event, new CompletableFuture<>());
        if (!queue.offer(pending)) {
            return CompletableFuture.failedFuture(new MessageLogException("the access log's queue of "
                    + queue.size() + " events is full; the database cannot keep up"));
        }
        String stopped = unavailable;
        if (stopped != null && queue.remove(pending)) {
            // The writer stopped while this was offered, after failing what it found queued.
            return CompletableFuture.failedFuture(new MessageLogException(stopped));
        }
        return pending.done();
    }

    /** Why events cannot be written at all (the writer stopped), or empty while they can. */
    public Optional<String> unavailable() {
        return Optional.ofNullable(unavailable);
    }

    private void run() {
        try {
            drain();
        } catch (Throwable t) {
            // Public words only (they reach information systems, peers and GET /health); the cause is logged.
            unavailable = "the access log's writer stopped after an unexpected failure; restart the server";
            LOG.error("{}", unavailable, t);
            Pending left;
            while ((left = queue.poll()) != null) {
                left.done().completeExceptionally(new MessageLogException(unavailable, t));
            }
            throw t;
        }
    }

    private void drain() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (true) {
            Pending first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                first = null;
            }
            if (first == null) {
                if (closed || Thread.currentThread().isInterrupted()) {
                    if (queue.isEmpty()) {
                        return;
                    }
                }
                continue;
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            write(batch);
        }
    }

    private void write(List<Pending> batch) {
        List<AccessEvent> events = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            events.add(pending.event());
        }
        long firstIndex;
        try {
            firstIndex = log.appendAll(events);
            if (sync) {
                log.merkleLog().sync();
            }
        } catch (Throwable e) {
            // Whatever failed (a full disk, an OutOfMemoryError), this batch did not happen; the
            // log reloads its state from the database before the next one.
            LOG.error("{} access events could not be stored: {}", batch.size(), e.toString());
            MessageLogException failure = new MessageLogException("the access log could not keep "
                    + batch.size() + " events: " + e.getMessage(), e);
            for (Pending pending : batch) {
                pending.done().completeExceptionally(failure);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(firstIndex + i);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException("the access log closed"));
        }
    }
}
