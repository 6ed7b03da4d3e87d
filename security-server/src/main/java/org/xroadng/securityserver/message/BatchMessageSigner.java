package org.xroadng.securityserver.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
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
 * a batch is whatever queued while the previous one was being signed, so latency never waits for
 * company.
 *
 * <p>{@link #sign} only queues and never blocks. Futures are completed through the executor given
 * at start (the data plane's event loops), never on the signing thread itself, so that what
 * callers compose on them (logging, sending) runs in parallel while the next batch is signed.
 * The thread owns its failures (STYLE.md 16): anything thrown while signing a batch fails that
 * batch's futures with {@link Reason#SIGNING_FAILED} and the thread goes on; after {@link #close}
 * every waiting and later future fails.
 */
public final class BatchMessageSigner implements MessageSigner, AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BatchMessageSigner.class);

    /**
     * What the signer did since it started: {@code signatures} private-key operations, covering
     * {@code messages} messages; their ratio is the mean batch size.
     */
    public record Batches(long signatures, long messages) {
    }

    private record Pending(MemberId member, MessageSummary summary, TrustedConfiguration trusted,
                           CompletableFuture<String> result) {
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
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
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
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /**
     * Starts the signing thread; at most {@code maxBatch} summaries share one signature; futures are
     * completed through {@code completions} (on the calling thread when it refuses the task).
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
        CompletableFuture<String> result = new CompletableFuture<>();
        if (closed) {
            return CompletableFuture.failedFuture(shutDown());
        }
        queue.add(new Pending(member, summary, trusted, result));
        if (closed) {
            failWaiting();
        }
        return result;
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
                batch.add(queue.take());
                queue.drainTo(batch, maxBatch - 1);
                signAll(batch);
            } catch (InterruptedException e) {
                break;
            } catch (Throwable t) {
                LOG.error("the message signer failed a batch of {}", batch.size(), t);
                fail(batch, new MessageSigningException(Reason.SIGNING_FAILED, "signing failed: " + t, t));
            } finally {
                batch.clear();
            }
        }
        failWaiting();
    }

    private void signAll(List<Pending> batch) {
        Map<GroupKey, List<Pending>> groups = new LinkedHashMap<>();
        for (Pending p : batch) {
            groups.computeIfAbsent(new GroupKey(p.member(), p.trusted().ocspFreshness()), k -> new ArrayList<>()).add(p);
        }
        for (Map.Entry<GroupKey, List<Pending>> group : groups.entrySet()) {
            List<Pending> members = group.getValue();
            try {
                if (members.size() == 1) {
                    Pending p = members.get(0);
                    single.sign(p.member(), p.summary(), p.trusted()).whenComplete((jws, error) -> {
                        if (error == null) {
                            signed(1);
                        }
                        complete(p, jws, error);
                    });
                } else {
                    signGroup(group.getKey(), members);
                }
            } catch (MessageSigningException e) {
                fail(members, e);
            } catch (RuntimeException | Error e) {
                LOG.error("the message signer failed a batch of {} for {}", members.size(), group.getKey().member(), e);
                fail(members, new MessageSigningException(Reason.SIGNING_FAILED, "signing as "
                        + group.getKey().member().format() + " failed: " + e, e));
            }
        }
    }

    private void signGroup(GroupKey group, List<Pending> members) throws MessageSigningException {
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
            complete(members.get(i), BatchSignature.encode(root,
                    new BatchSignature.Leaf(summaries.get(i), salts.get(i), i, tree.paths().get(i))), null);
        }
    }

    private void signed(int covered) {
        signatures.increment();
        messages.add(covered);
    }

    private void failWaiting() {
        List<Pending> waiting = new ArrayList<>();
        queue.drainTo(waiting);
        fail(waiting, shutDown());
    }

    private void fail(List<Pending> pending, MessageSigningException e) {
        for (Pending p : pending) {
            complete(p, null, e);
        }
    }

    private void complete(Pending p, String signature, Throwable error) {
        Runnable completion = error == null ? () -> p.result().complete(signature)
                : () -> p.result().completeExceptionally(error);
        try {
            completions.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run();
        }
    }

    private static MessageSigningException shutDown() {
        return new MessageSigningException(Reason.SIGNING_FAILED, "the message signer is shut down");
    }
}
