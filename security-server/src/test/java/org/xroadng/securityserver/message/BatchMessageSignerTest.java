package org.xroadng.securityserver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Keys;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.jws.SigningKey;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;
import org.xroadng.securityserver.testing.ProxyFixture;

/**
 * The batch signer and the verifier of both forms against a real CA and OCSP responder: batches
 * verify message by message, a batch of one is a plain signature, and a changed leaf, path or root,
 * or a root signed by another key, is refused.
 */
class BatchMessageSignerTest {

    @TempDir
    static Path dir;
    static ProxyFixture fixture;
    static GlobalConfHolder globalConf;
    static TrustedConfiguration trusted;
    static OwnOcspResponses ocsp;
    static MessageVerifier verifier;
    /** Five signatures of one batch, signed before the tests run. */
    static List<String> batchOfFive;
    static final ExecutorService completions = Executors.newFixedThreadPool(2);

    @BeforeAll
    static void pki() throws CaException, GeneralSecurityException, IOException, SigningException, TokenException,
            ExchangeException, InterruptedException, ExecutionException, TimeoutException {
        fixture = new ProxyFixture(dir);
        globalConf = fixture.globalConf();
        trusted = globalConf.current(ErrorType.CLIENT_PROXY_OUTDATED_GLOBAL_CONF);
        ocsp = fixture.ownOcsp(fixture.consumer, globalConf);
        verifier = new BatchMessageVerifier(fixture.bc, fixture.clock);
        batchOfFive = signTogether(5);
    }

    @AfterAll
    static void close() {
        completions.shutdownNow();
        fixture.close();
    }

    private static RequestDigest digest(int i) {
        return RequestDigest.builder().id("q" + i).client(ProxyFixture.CLIENT).service(ProxyFixture.SERVICE)
                .method("GET").path("/EE" + i).query("").headersSha256(MessageHashes.headers(List.of()))
                .bodySha256(MessageHashes.sha256(new byte[0])).purpose("tax-assessment").subjects(List.of("EE" + i))
                .iat(1_700_000_000L).build();
    }

    /** Queues n summaries before the signing thread starts, so that they are one batch. */
    private static List<String> signTogether(int n) throws InterruptedException, ExecutionException, TimeoutException {
        try (BatchMessageSigner signer = BatchMessageSigner.unstarted(fixture.consumer, ocsp, fixture.random, 256, completions)) {
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(signer.sign(ProxyFixture.CONSUMER_MEMBER, digest(i), trusted));
            }
            signer.startThread();
            List<String> signatures = new ArrayList<>();
            for (CompletableFuture<String> f : futures) {
                signatures.add(f.get(10, TimeUnit.SECONDS));
            }
            return signatures;
        }
    }

    private static MessageVerificationException refused(String signature) {
        return assertThrows(MessageVerificationException.class,
                () -> verifier.verify(signature, RequestDigest.class, trusted));
    }

    @Test
    void batchOfFive_eachVerifiesAsTheSigningMemberWithItsOwnSummary() throws MessageVerificationException {
        Set<String> roots = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            String signature = batchOfFive.get(i);
            assertTrue(BatchSignature.isBatch(signature), "a batch form, not a compact JWS");
            assertFalse(signature.contains(" "));

            MessageVerifier.Verified<RequestDigest> verified = verifier.verify(signature, RequestDigest.class, trusted);

            assertEquals(ProxyFixture.CONSUMER_MEMBER, verified.signer());
            assertEquals(digest(i), verified.summary());
            roots.add(BatchSignature.decode(signature).rootJws());
        }
        assertEquals(1, roots.size(), "one signature for the whole batch");
    }

    @Test
    void flattenedFormOfEarlierServers_verifiesAsTheSameSignature() throws MessageVerificationException {
        BatchSignature.Decoded d = BatchSignature.decode(batchOfFive.get(3));
        String flattened = BatchSignatureTest.flattened(d.rootJws(), d.leaf());
        assertTrue(flattened.indexOf('.') < 0 && flattened.indexOf('~') < 0, flattened);

        MessageVerifier.Verified<RequestDigest> verified = verifier.verify(flattened, RequestDigest.class, trusted);

        assertEquals(ProxyFixture.CONSUMER_MEMBER, verified.signer());
        assertEquals(digest(3), verified.summary());
        assertTrue(batchOfFive.get(3).length() * 5 / 4 < flattened.length(), "the compact form is shorter: "
                + batchOfFive.get(3).length() + " against " + flattened.length() + " characters");
    }

    @Test
    void batches_countSignaturesAndTheMessagesTheyCover() throws InterruptedException, ExecutionException,
            TimeoutException {
        try (BatchMessageSigner signer = BatchMessageSigner.unstarted(fixture.consumer, ocsp, fixture.random, 256, completions)) {
            List<CompletableFuture<String>> queued = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                queued.add(signer.sign(ProxyFixture.CONSUMER_MEMBER, digest(i), trusted));
            }
            assertEquals(new BatchMessageSigner.Batches(0, 0), signer.batches());
            signer.startThread();
            for (CompletableFuture<String> f : queued) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertEquals(new BatchMessageSigner.Batches(1, 7), signer.batches(), "seven queued: one signature");

            signer.sign(ProxyFixture.CONSUMER_MEMBER, digest(8), trusted).get(10, TimeUnit.SECONDS);
            assertEquals(new BatchMessageSigner.Batches(2, 8), signer.batches(), "one alone: a signature of its own");
        }
    }

    @Test
    void batchOfOne_isAPlainCompactJwsThatTheSingleVerifierAccepts() throws InterruptedException, ExecutionException,
            TimeoutException, MessageVerificationException {
        String signature = signTogether(1).get(0);

        assertEquals(3, signature.split("\\.", -1).length, "a compact JWS");
        MessageVerifier.Verified<RequestDigest> plain = new SingleMessageVerifier(fixture.bc, fixture.clock)
                .verify(signature, RequestDigest.class, trusted);
        assertEquals(ProxyFixture.CONSUMER_MEMBER, plain.signer());
        assertEquals(digest(0), plain.summary());
        assertEquals(digest(0), verifier.verify(signature, RequestDigest.class, trusted).summary());
    }

    @Test
    void manyThreadsSigningAtOnce_shareSignatures_andEachVerifiesWithItsOwnSummary() throws InterruptedException,
            ExecutionException, TimeoutException, MessageVerificationException {
        int threads = 16;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try (BatchMessageSigner signer = BatchMessageSigner.start(fixture.consumer, ocsp, fixture.random, 256, completions)) {
            List<Future<List<CompletableFuture<String>>>> submitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitted.add(pool.submit(() -> {
                    start.await();
                    List<CompletableFuture<String>> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        mine.add(signer.sign(ProxyFixture.CONSUMER_MEMBER, digest(thread * 1000 + i), trusted));
                    }
                    return mine;
                }));
            }
            int batched = 0;
            Set<String> roots = new HashSet<>();
            for (int t = 0; t < threads; t++) {
                List<CompletableFuture<String>> mine = submitted.get(t).get(30, TimeUnit.SECONDS);
                for (int i = 0; i < each; i++) {
                    String signature = mine.get(i).get(30, TimeUnit.SECONDS);
                    MessageVerifier.Verified<RequestDigest> verified = verifier.verify(signature, RequestDigest.class,
                            trusted);
                    assertEquals(digest(t * 1000 + i), verified.summary());
                    if (BatchSignature.isBatch(signature)) {
                        batched++;
                        roots.add(BatchSignature.decode(signature).rootJws());
                    }
                }
            }
            assertTrue(batched > 0, "some of " + threads * each + " concurrent signatures share a root");
            assertTrue(roots.size() < batched, roots.size() + " roots for " + batched + " batch signatures");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * What an event loop asks for during one turn is handed over when the turn ends: the running
     * signing thread, which would take a lone summary the moment it is queued, sees all of them at
     * once, and every future completes on the loop that asked.
     */
    @Test
    void whatOneEventLoopTurnAsksFor_sharesOneSignature_andIsAnsweredOnThatLoop() throws InterruptedException,
            ExecutionException, TimeoutException, MessageVerificationException {
        int n = 8;
        EventLoopGroup loops = new DefaultEventLoopGroup(2);
        try (BatchMessageSigner signer = BatchMessageSigner.start(fixture.consumer, ocsp, fixture.random, 256, loops)) {
            Set<Thread> completedOn = ConcurrentHashMap.newKeySet();
            // Awaited before any get(): a thread waiting in get() may run a completed future's actions itself.
            CountDownLatch answered = new CountDownLatch(n);
            EventLoop loop = loops.next();
            Thread[] loopThread = new Thread[1];
            List<CompletableFuture<String>> futures = loop.submit(() -> {
                loopThread[0] = Thread.currentThread();
                List<CompletableFuture<String>> asked = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    CompletableFuture<String> f = signer.sign(ProxyFixture.CONSUMER_MEMBER, digest(i), trusted);
                    f.whenComplete((signature, error) -> {
                        completedOn.add(Thread.currentThread());
                        answered.countDown();
                    });
                    asked.add(f);
                    if (i == 0) {
                        Thread.sleep(200); // long enough for the signing thread to take a queued summary alone
                    }
                }
                return asked;
            }).get(10, TimeUnit.SECONDS);
            assertTrue(answered.await(10, TimeUnit.SECONDS), "every summary answered");

            Set<String> roots = new HashSet<>();
            for (int i = 0; i < n; i++) {
                String signature = futures.get(i).get(10, TimeUnit.SECONDS);
                assertTrue(BatchSignature.isBatch(signature), "message " + i + " is in the turn's batch");
                assertEquals(digest(i), verifier.verify(signature, RequestDigest.class, trusted).summary());
                roots.add(BatchSignature.decode(signature).rootJws());
            }
            assertEquals(1, roots.size(), "one root for the turn's " + n + " summaries");
            assertEquals(new BatchMessageSigner.Batches(1, n), signer.batches());
            assertEquals(Set.of(loopThread[0]), completedOn, "answered on the loop that asked");
        } finally {
            loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void changedPathHash_isRefused() throws MessageVerificationException {
        BatchSignature.Decoded d = BatchSignature.decode(batchOfFive.get(2));
        List<byte[]> path = new ArrayList<>(d.leaf().path());
        path.get(0)[31] ^= 1;

        MessageVerificationException e = refused(BatchSignature.encode(d.rootJws(),
                new BatchSignature.Leaf(d.leaf().summary(), d.leaf().salt(), d.leaf().index(), path)));

        assertEquals(MessageVerificationException.Reason.INVALID_SIGNATURE, e.reason());
        assertTrue(e.getMessage().startsWith("the batch leaf (summary and salt) and its inclusion path do not lead"
                + " to the signed root"), e.getMessage());
    }

    @Test
    void summaryOfAnotherMessageOfTheBatch_isRefused() throws MessageVerificationException {
        BatchSignature.Decoded mine = BatchSignature.decode(batchOfFive.get(0));
        BatchSignature.Decoded other = BatchSignature.decode(batchOfFive.get(1));

        MessageVerificationException e = refused(BatchSignature.encode(mine.rootJws(),
                new BatchSignature.Leaf(other.leaf().summary(), mine.leaf().salt(), 0, mine.leaf().path())));

        assertTrue(e.getMessage().startsWith("the batch leaf (summary and salt)"), e.getMessage());
    }

    @Test
    void changedSummaryWithItsRootCached_isRefused() throws MessageVerificationException {
        String good = batchOfFive.get(3);
        verifier.verify(good, RequestDigest.class, trusted);
        BatchSignature.Decoded d = BatchSignature.decode(good);
        byte[] summary = d.leaf().summary();
        summary[summary.length / 2] ^= 1;

        MessageVerificationException e = refused(BatchSignature.encode(d.rootJws(),
                new BatchSignature.Leaf(summary, d.leaf().salt(), d.leaf().index(), d.leaf().path())));

        assertEquals(MessageVerificationException.Reason.INVALID_SIGNATURE, e.reason());
        assertTrue(e.getMessage().startsWith("the batch leaf (summary and salt)"), e.getMessage());
    }

    @Test
    void changedRootSignature_isRefused() throws MessageVerificationException {
        BatchSignature.Decoded d = BatchSignature.decode(batchOfFive.get(4));
        String[] parts = d.rootJws().split("\\.");
        char c = parts[2].charAt(10);
        String otherSignature = parts[2].substring(0, 10) + (c == 'A' ? 'B' : 'A') + parts[2].substring(11);

        MessageVerificationException e = refused(BatchSignature.encode(parts[0] + "." + parts[1] + "." + otherSignature,
                d.leaf()));

        assertEquals(MessageVerificationException.Reason.INVALID_SIGNATURE, e.reason());
        assertTrue(e.getMessage().startsWith("the batch root signature is invalid: signature does not verify"),
                e.getMessage());
    }

    /** The batch's root claims signed again by {@code key}, naming {@code chain}. */
    private static String resigned(BatchSignature.Decoded d, SigningKey key, List<X509Certificate> chain,
                                   Set<String> critical) throws SigningException, MessageVerificationException {
        String[] parts = d.rootJws().split("\\.");
        byte[] payload = java.util.Base64.getUrlDecoder().decode(parts[1]);
        Map<String, Object> params = critical.isEmpty()
                ? Map.of(ManagementRequests.OCSP_PARAM, "AAAA")
                : Map.of(ManagementRequests.OCSP_PARAM, "AAAA", BatchSignature.ROOT_PARAM, BatchSignature.ROOT_PARAM_VALUE);
        return BatchSignature.encode(new JwsSigner(key, chain).sign(payload, params, critical), d.leaf());
    }

    private static JcaSigningKey rogueKey() {
        KeyPair pair = Keys.generateP256(fixture.bc, fixture.random);
        return new JcaSigningKey("rogue", pair.getPrivate(), pair.getPublic(), fixture.bc);
    }

    @Test
    void rootSignedByAnotherKeyNamingTheMembersCertificate_isRefused() throws SigningException,
            MessageVerificationException {
        BatchSignature.Decoded d = BatchSignature.decode(batchOfFive.get(0));
        JcaSigningKey rogue = rogueKey();
        X509Certificate memberCertificate = fixture.consumer.signingKey(ProxyFixture.CONSUMER_MEMBER).orElseThrow()
                .chain().get(0);
        // JwsSigner refuses a chain that is not the key's, so the header is taken from a real root.
        String forged = resigned(d, rogue, List.of(selfSigned(rogue)), BatchSignature.CRITICAL);
        BatchSignature.Decoded forgedDecoded = BatchSignature.decode(forged);
        String[] real = d.rootJws().split("\\.");
        String[] fake = forgedDecoded.rootJws().split("\\.");
        assertNotEquals(real[2], fake[2]);

        MessageVerificationException e = refused(BatchSignature.encode(real[0] + "." + real[1] + "." + fake[2], d.leaf()));

        assertEquals(MessageVerificationException.Reason.INVALID_SIGNATURE, e.reason());
        assertTrue(e.getMessage().contains("does not verify with the key of "
                + memberCertificate.getSubjectX500Principal()), e.getMessage());
    }

    @Test
    void rootCache_keepsOnlyTheNewestRoots_theOldestGoFirst() throws SigningException, MessageVerificationException {
        BatchMessageVerifier fresh = new BatchMessageVerifier(fixture.bc, fixture.clock);
        BatchSignature.Decoded d = BatchSignature.decode(batchOfFive.get(0));
        JcaSigningKey rogue = rogueKey();
        List<X509Certificate> chain = List.of(selfSigned(rogue));
        List<String> roots = new ArrayList<>();
        for (int i = 0; i < BatchMessageVerifier.ROOT_CACHE_LIMIT + 10; i++) {
            // ECDSA signatures are randomised: each signing of the same claims is another root JWS;
            // its signature verifies (so it is cached), its self-signed certificate is then refused
            String signature = resigned(d, rogue, chain, BatchSignature.CRITICAL);
            roots.add(BatchSignature.decode(signature).rootJws());
            assertThrows(MessageVerificationException.class, () -> fresh.verify(signature, RequestDigest.class, trusted));
        }

        assertEquals(BatchMessageVerifier.ROOT_CACHE_LIMIT, fresh.cachedRoots());
        for (int i = 0; i < 10; i++) {
            assertFalse(fresh.caches(roots.get(i)), "root " + i + " is among the oldest");
        }
        assertTrue(fresh.caches(roots.get(10)));
        assertTrue(fresh.caches(roots.get(roots.size() - 1)));
    }

    @Test
    void rootSignedByAKeyOfNoApprovedCa_isRefusedAsCertificateInvalid() throws SigningException,
            MessageVerificationException {
        JcaSigningKey rogue = rogueKey();
        String forged = resigned(BatchSignature.decode(batchOfFive.get(0)), rogue, List.of(selfSigned(rogue)),
                BatchSignature.CRITICAL);

        MessageVerificationException e = refused(forged);

        assertEquals(MessageVerificationException.Reason.CERTIFICATE_INVALID, e.reason());
    }

    @Test
    void rootWithoutTheCriticalMarker_isRefused() throws SigningException, MessageVerificationException {
        JcaSigningKey rogue = rogueKey();
        String unmarked = resigned(BatchSignature.decode(batchOfFive.get(0)), rogue, List.of(selfSigned(rogue)), Set.of());

        MessageVerificationException e = refused(unmarked);

        assertTrue(e.getMessage().startsWith("the batch root signature is not marked as a batch root"), e.getMessage());
    }

    @Test
    void rootJwsPresentedAsAPlainSignature_isRefusedForItsCriticalMarker() throws MessageVerificationException {
        String root = BatchSignature.decode(batchOfFive.get(0)).rootJws();

        MessageVerificationException e = refused(root);

        assertEquals(MessageVerificationException.Reason.INVALID_SIGNATURE, e.reason());
        assertTrue(e.getMessage().contains("marks [batchRoot] critical"), e.getMessage());
    }

    @Test
    void closedSigner_failsWaitingAndLaterSummaries() {
        BatchMessageSigner signer = BatchMessageSigner.unstarted(fixture.consumer, ocsp, fixture.random, 256, completions);
        CompletableFuture<String> waiting = signer.sign(ProxyFixture.CONSUMER_MEMBER, digest(0), trusted);
        signer.close();
        CompletableFuture<String> later = signer.sign(ProxyFixture.CONSUMER_MEMBER, digest(1), trusted);

        for (CompletableFuture<String> f : List.of(waiting, later)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
            MessageSigningException cause = assertInstanceOf(MessageSigningException.class, e.getCause());
            assertEquals(MessageSigningException.Reason.SIGNING_FAILED, cause.reason());
            assertEquals("the message signer is shut down", cause.getMessage());
        }
    }

    @Test
    void memberWithoutKeyInABatch_failsOnlyItsOwnSummaries() throws InterruptedException, ExecutionException,
            TimeoutException, MessageVerificationException {
        try (BatchMessageSigner signer = BatchMessageSigner.unstarted(fixture.consumer, ocsp, fixture.random, 256, completions)) {
            CompletableFuture<String> a = signer.sign(ProxyFixture.CONSUMER_MEMBER, digest(0), trusted);
            CompletableFuture<String> b = signer.sign(ProxyFixture.PROVIDER_MEMBER, digest(1), trusted);
            CompletableFuture<String> c = signer.sign(ProxyFixture.PROVIDER_MEMBER, digest(2), trusted);
            CompletableFuture<String> d = signer.sign(ProxyFixture.CONSUMER_MEMBER, digest(3), trusted);
            signer.startThread();

            assertEquals(digest(0), verifier.verify(a.get(10, TimeUnit.SECONDS), RequestDigest.class, trusted).summary());
            assertEquals(digest(3), verifier.verify(d.get(10, TimeUnit.SECONDS), RequestDigest.class, trusted).summary());
            for (CompletableFuture<String> f : List.of(b, c)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                assertEquals(MessageSigningException.Reason.NO_SIGNING_KEY,
                        assertInstanceOf(MessageSigningException.class, e.getCause()).reason());
            }
        }
    }

    private static X509Certificate selfSigned(SigningKey key) {
        return X509Issuer.selfSigned(new X500Name("CN=DEMO/GOV/1002"), CertificateKind.CONFIGURATION_SIGN, key,
                Duration.ofDays(1), fixture.clock, fixture.random);
    }
}
