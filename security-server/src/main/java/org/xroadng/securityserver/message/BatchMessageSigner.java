package org.xroadng.securityserver.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.FastThreadLocal;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.securityserver.ServerThreads;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;
import org.xroadng.securityserver.message.MessageSigningException.Reason;

/**
 * A {@link MessageSigner} that signs whatever is waiting at once, like a group commit: one thread
 * takes every queued summary; a summary alone for its member is signed exactly as
 * {@link SingleMessageSigner} signs it (a plain compact JWS, so nothing changes at low load); two or
 * more for one member share one ES256 signature over the Merkle root of their salted leaves, each
 * answered with its own {@link BatchSignature} (root JWS plus leaf and inclusion path). No timer:
 * a batch is whatever queued while the previous one was being signed, so a summary never waits for
 * company longer than the rest of its event loop's turn (below).
 *
 * <p><b>Event-loop turns.</b> When the completions executor is an event loop group (the data
 * plane's), a summary asked for on one of its loops is held until that loop has handled the rest of
 * its current turn's I/O, then handed over with every other summary that turn produced, as one lump
 * (a task queued on the loop, which Netty runs after the turn's ready channels). Under load a turn
 * reads many requests (or provider answers) at once, and they share a signature instead of the
 * first being taken alone the moment it arrives; at low load a turn holds one summary, handed over
 * as soon as that turn's I/O is done. The futures of summaries asked for on a loop are completed on
 * that same loop, which runs what the callers compose on them (logging, sending on the channel the
 * loop owns) without another hop; the others' futures through the executor.
 *
 * <p>{@link #sign} only queues and never blocks. Futures are never completed on the signing thread
 * itself, so that what callers compose on them runs in parallel while the next batch is signed:
 * the completions of one batch go to each executor as one task. The thread owns its failures
 * (STYLE.md 16): anything thrown while signing a batch fails that batch's futures with
 * {@link Reason#SIGNING_FAILED} and the thread goes on; after {@link #close} every waiting and later
 * future fails.
 */
public final class BatchMessageSigner implements MessageSigner, AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BatchMessageSigner.class);

    /**
     * What the signer did since it started: {@code signatures} private-key operations, covering
     * {@code messages} messages; their ratio is the mean batch size.
     */
    public record Batches(long signatures, long messages) {
    }

    /** A summary to sign, and the executor its future is completed through. */
    private record Pending(MemberId member, MessageSummary summary, TrustedConfiguration trusted,
                           CompletableFuture<String> result, Executor completeOn) {
    }

    /** Summaries signed under one key and with one OCSP freshness share a root. */
    private record GroupKey(MemberId member, Duration freshness) {
    }

    private final ServerIdentity identity;
    private final OwnOcspResponses ocsp;
    private final SecureRandom random;
    private final int maxBatch;
    private final SingleMessageSigner single;
    private final Executor completions;
    /** The loops whose turns are handed over whole, when completions is an event loop group; else null. */
    private final EventExecutorGroup loops;
    /** Lumps of summaries: one loop's turn, or one summary asked for elsewhere. */
    private final BlockingQueue<List<Pending>> queue = new LinkedBlockingQueue<>();
    /** The summaries asked for on the current thread's loop during its current turn. */
    private final FastThreadLocal<List<Pending>> turn = new FastThreadLocal<>() {
        @Override
        protected List<Pending> initialValue() {
            return new ArrayList<>();
        }
    };
    /** Taken from the queue but beyond the last batch's maximum; the signing thread's alone. */
    private final ArrayDeque<Pending> backlog = new ArrayDeque<>();
    private final Map<X509Certificate, JwsSigner> signers = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;
    private final LongAdder signatures = new LongAdder();
    private final LongAdder messages = new LongAdder();

    private BatchMessageSigner(ServerIdentity identity, OwnOcspResponses ocsp, SecureRandom random, int maxBatch,
                               Executor completions, String threadName) {
        if (maxBatch < 1 || maxBatch > BatchSignature.MAX_SIZE) {
            throw new IllegalArgumentException("maxBatch must be 1.." + BatchSignature.MAX_SIZE + ", not " + maxBatch);
        }
        this.identity = identity;
        this.ocsp = ocsp;
        this.random = random;
        this.maxBatch = maxBatch;
        this.single = new SingleMessageSigner(identity, ocsp);
        this.completions = completions;
        this.loops = completions instanceof EventExecutorGroup group ? group : null;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /**
     * Starts the signing thread; at most {@code maxBatch} summaries share one signature; futures are
     * completed through {@code completions} (on the calling thread when it refuses the task); when
     * it is an event loop group, what its loops ask for is handed over a turn at a time.
     */
    public static BatchMessageSigner start(ServerIdentity identity, OwnOcspResponses ocsp, SecureRandom random,
                                           int maxBatch, Executor completions) {
        BatchMessageSigner signer = unstarted(identity, ocsp, random, maxBatch, completions);
        signer.startThread();
        return signer;
    }

    /** A signer that queues but does not sign until {@link #startThread()}: tests use it to make a batch of known size. */
    static BatchMessageSigner unstarted(ServerIdentity identity, OwnOcspResponses ocsp, SecureRandom random,
                                        int maxBatch, Executor completions) {
        return new BatchMessageSigner(identity, ocsp, random, maxBatch, completions,
                ServerThreads.name("message-signer", identity.serverId().format()));
    }

    void startThread() {
        thread.start();
    }

    @Override
    public CompletableFuture<String> sign(MemberId member, MessageSummary summary, TrustedConfiguration trusted) {
        if (closed) {
            return CompletableFuture.failedFuture(shutDown());
        }
        CompletableFuture<String> result = new CompletableFuture<>();
        EventExecutor loop = currentLoop();
        if (loop == null) {
            handOver(List.of(new Pending(member, summary, trusted, result, completions)));
            return result;
        }
        List<Pending> buffered = turn.get();
        Pending pending = new Pending(member, summary, trusted, result, loop);
        if (buffered.isEmpty()) {
            try {
                loop.execute(() -> endOfTurn(buffered));
            } catch (RejectedExecutionException e) {
                // The loop is shutting down: no end of turn to wait for.
                handOver(List.of(pending));
                return result;
            }
        }
        buffered.add(pending);
        return result;
    }

    /** The loop of {@link #loops} this thread runs, or null. */
    private EventExecutor currentLoop() {
        if (loops != null) {
            for (EventExecutor loop : loops) {
                if (loop.inEventLoop()) {
                    return loop;
                }
            }
        }
        return null;
    }

    private void endOfTurn(List<Pending> buffered) {
        List<Pending> lump = List.copyOf(buffered);
        buffered.clear();
        handOver(lump);
    }

    private void handOver(List<Pending> lump) {
        queue.add(lump);
        if (closed) {
            failWaiting();
        }
    }

    /** Signatures made and messages they cover so far, for metrics. */
    public Batches batches() {
        return new Batches(signatures.sum(), messages.sum());
    }

    /** Stops the signing thread; every summary still waiting fails with {@link Reason#SIGNING_FAILED}. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failWaiting();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (!closed) {
            try {
                if (backlog.isEmpty()) {
                    backlog.addAll(queue.take());
                }
                for (List<Pending> lump = queue.poll(); lump != null; lump = queue.poll()) {
                    backlog.addAll(lump);
                }
                while (batch.size() < maxBatch && !backlog.isEmpty()) {
                    batch.add(backlog.poll());
                }
                signAll(batch);
            } catch (InterruptedException e) {
                break;
            } catch (Throwable t) {
                LOG.error("the message signer failed a batch of {}", batch.size(), t);
                Completions done = new Completions();
                fail(batch, new MessageSigningException(Reason.SIGNING_FAILED, "signing failed: " + t, t), done);
                done.dispatch();
            } finally {
                batch.clear();
            }
        }
        List<Pending> left = new ArrayList<>(backlog);
        backlog.clear();
        Completions done = new Completions();
        fail(left, shutDown(), done);
        done.dispatch();
        failWaiting();
    }

    private void signAll(List<Pending> batch) {
        Map<GroupKey, List<Pending>> groups = new LinkedHashMap<>();
        for (Pending p : batch) {
            groups.computeIfAbsent(new GroupKey(p.member(), p.trusted().ocspFreshness()), k -> new ArrayList<>()).add(p);
        }
        Completions done = new Completions();
        try {
            for (Map.Entry<GroupKey, List<Pending>> group : groups.entrySet()) {
                List<Pending> members = group.getValue();
                try {
                    if (members.size() == 1) {
                        Pending p = members.get(0);
                        single.sign(p.member(), p.summary(), p.trusted()).whenComplete((jws, error) -> {
                            if (error == null) {
                                signed(1);
                            }
                            done.add(p, jws, error);
                        });
                    } else {
                        signGroup(group.getKey(), members, done);
                    }
                } catch (MessageSigningException e) {
                    fail(members, e, done);
                } catch (RuntimeException | Error e) {
                    LOG.error("the message signer failed a batch of {} for {}", members.size(),
                            group.getKey().member(), e);
                    fail(members, new MessageSigningException(Reason.SIGNING_FAILED, "signing as "
                            + group.getKey().member().format() + " failed: " + e, e), done);
                }
            }
        } finally {
            done.dispatch();
        }
    }

    private void signGroup(GroupKey group, List<Pending> members, Completions done) throws MessageSigningException {
        OwnOcspResponses.Chosen chosen = ocsp.choose(group.member(), identity.signingKeys(group.member()),
                group.freshness());
        ServerIdentity.MemberKey key = chosen.key();
        X509Certificate certificate = key.chain().get(0);
        String ocspResponse = chosen.ocspResponse();
        int n = members.size();
        List<byte[]> summaries = new ArrayList<>(n);
        List<byte[]> salts = new ArrayList<>(n);
        List<byte[]> leaves = new ArrayList<>(n);
        for (Pending p : members) {
            byte[] summary;
            try {
                summary = ProtocolJson.mapper().writeValueAsBytes(p.summary());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("message summary cannot be written as JSON", e);
            }
            byte[] salt = new byte[BatchSignature.SALT_BYTES];
            random.nextBytes(salt);
            summaries.add(summary);
            salts.add(salt);
            leaves.add(BatchSignature.leafHash(salt, summary));
        }
        BatchSignature.Tree tree = BatchSignature.tree(leaves);
        JwsSigner signer = signers.computeIfAbsent(certificate, c -> new JwsSigner(key.key(), key.chain()));
        String root;
        try {
            root = signer.sign(BatchSignature.rootPayload(tree.root(), n),
                    Map.of(ManagementRequests.OCSP_PARAM, ocspResponse,
                            BatchSignature.ROOT_PARAM, BatchSignature.ROOT_PARAM_VALUE),
                    BatchSignature.CRITICAL);
        } catch (SigningException e) {
            throw new MessageSigningException(Reason.SIGNING_FAILED,
                    "signing as " + group.member().format() + " failed: " + e.getMessage(), e);
        }
        signed(n);
        for (int i = 0; i < n; i++) {
            done.add(members.get(i), BatchSignature.encode(root,
                    new BatchSignature.Leaf(summaries.get(i), salts.get(i), i, tree.paths().get(i))), null);
        }
    }

    private void signed(int covered) {
        signatures.increment();
        messages.add(covered);
    }

    private void failWaiting() {
        List<List<Pending>> lumps = new ArrayList<>();
        queue.drainTo(lumps);
        Completions done = new Completions();
        lumps.forEach(lump -> fail(lump, shutDown(), done));
        done.dispatch();
    }

    private static void fail(List<Pending> pending, MessageSigningException e, Completions done) {
        for (Pending p : pending) {
            done.add(p, null, e);
        }
    }

    /** The answers of one batch, handed to each executor as one task. */
    private static final class Completions {
        private final Map<Executor, List<Runnable>> byExecutor = new LinkedHashMap<>();

        void add(Pending p, String signature, Throwable error) {
            Runnable completion = error == null ? () -> p.result().complete(signature)
                    : () -> p.result().completeExceptionally(error);
            byExecutor.computeIfAbsent(p.completeOn(), e -> new ArrayList<>()).add(completion);
        }

        void dispatch() {
            for (Map.Entry<Executor, List<Runnable>> each : byExecutor.entrySet()) {
                List<Runnable> completions = each.getValue();
                Runnable all = () -> completions.forEach(Runnable::run);
                try {
                    each.getKey().execute(all);
                } catch (RejectedExecutionException e) {
                    all.run();
                }
            }
            byExecutor.clear();
        }
    }

    private static MessageSigningException shutDown() {
        return new MessageSigningException(Reason.SIGNING_FAILED, "the message signer is shut down");
    }
}
