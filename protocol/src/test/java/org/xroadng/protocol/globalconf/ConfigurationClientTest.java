package org.xroadng.protocol.globalconf;

import org.xroadng.protocol.jws.SigningException;
import java.security.GeneralSecurityException;
import org.bouncycastle.operator.OperatorCreationException;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.BC;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.INSTANCE;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.LIFETIME;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.T0;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.configuration;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.globalconf.ConfigurationException.Reason;
import org.xroadng.protocol.globalconf.ConfigurationFixture.MutableClock;
import org.xroadng.protocol.globalconf.ConfigurationFixture.Signer;
import org.xroadng.protocol.globalconf.ConfigurationSource.Download;

class ConfigurationClientTest {

    /** Answers fetches from a script and records the entity tags it was sent. */
    static final class ScriptedSource implements ConfigurationSource {

        private final Deque<Object> answers = new ArrayDeque<>();
        final List<String> etagsSent = new ArrayList<>();

        ScriptedSource then(String body, String etag) {
            answers.add(Download.of(body, etag));
            return this;
        }

        ScriptedSource thenNotModified() {
            answers.add(Download.notModified(null));
            return this;
        }

        ScriptedSource thenFail(ConfigurationException failure) {
            answers.add(failure);
            return this;
        }

        @Override
        public synchronized Download fetch(String ifNoneMatchEtag) throws ConfigurationException {
            etagsSent.add(ifNoneMatchEtag);
            Object answer = answers.remove();
            if (answer instanceof ConfigurationException failure) {
                throw failure;
            }
            return (Download) answer;
        }
    }

    @TempDir
    Path dir;

    private final Signer registry;
    private final Anchor anchor;
    private final MutableClock clock = new MutableClock(T0.plusSeconds(1));
    private final ScriptedSource source = new ScriptedSource();
    private final GlobalConfiguration v5 = configuration(5, T0);
    private final String signedV5;

    ConfigurationClientTest() throws GeneralSecurityException, IOException, OperatorCreationException, SigningException {
        registry = Signer.create("registry");
        anchor = registry.anchor(INSTANCE);
        signedV5 = registry.sign(v5);
    }

    private ConfigurationClient client(Path cacheFile) {
        return new ConfigurationClient(anchor, source, clock, BC, cacheFile);
    }

    /** A client holding {@link #v5} as its last good copy. */
    private ConfigurationClient clientWithV5() throws ConfigurationException {
        ConfigurationClient client = client(null);
        source.then(signedV5, "\"v5\"");
        assertEquals(v5, client.refresh());
        return client;
    }

    /** The refresh is refused for {@code reason} and the client still serves {@link #v5}. */
    private static ConfigurationException refusedKeepingV5(ConfigurationClient client, Reason reason,
                                                           GlobalConfiguration v5) throws ConfigurationException {
        ConfigurationException e = assertThrows(ConfigurationException.class, client::refresh);
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(v5, client.lastGood().orElseThrow());
        assertEquals(v5, client.current());
        return e;
    }

    private static ConfigurationException assertRefused(Reason reason, Executable call) {
        ConfigurationException e = assertThrows(ConfigurationException.class, call);
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    @Test
    void goodConfiguration_isVerifiedAndCurrent() throws ConfigurationException {
        ConfigurationClient client = clientWithV5();

        assertEquals(v5, client.current());
        assertEquals(v5, client.lastGood().orElseThrow());
        assertNull(source.etagsSent.get(0));
    }

    @Test
    void beforeAnyDownload_currentSaysNothingDownloaded() {
        ConfigurationClient client = client(null);

        assertTrue(client.lastGood().isEmpty());
        ConfigurationException e = assertRefused(Reason.NOT_DOWNLOADED, client::current);
        assertTrue(e.getMessage().contains("no global configuration") && e.getMessage().contains("http://registry.example"),
                e.getMessage());
    }

    @Test
    void tamperedPayload_isRefusedAndLastGoodKept() throws ConfigurationException, SigningException {
        ConfigurationClient client = clientWithV5();
        source.then(ConfigurationVerifierTest.flipPayloadByte(registry.sign(configuration(6, T0))), "\"v6\"");

        refusedKeepingV5(client, Reason.BAD_SIGNATURE, v5);
    }

    @Test
    void signedByAnotherKey_isRefusedAsWrongSignerAndLastGoodKept() throws ConfigurationException, GeneralSecurityException, IOException, OperatorCreationException, SigningException {
        ConfigurationClient client = clientWithV5();
        source.then(Signer.create("registry").sign(configuration(6, T0)), "\"v6\"");

        refusedKeepingV5(client, Reason.WRONG_SIGNER, v5);
    }

    @Test
    void algNoneToken_isRefusedAndLastGoodKept() throws ConfigurationException {
        ConfigurationClient client = clientWithV5();
        source.then(ConfigurationVerifierTest.algNone(GlobalConfigurationCodec.toJson(configuration(6, T0))), null);

        refusedKeepingV5(client, Reason.BAD_SIGNATURE, v5);
    }

    @Test
    void hs256Token_isRefusedAndLastGoodKept() throws ConfigurationException, GeneralSecurityException {
        ConfigurationClient client = clientWithV5();
        source.then(ConfigurationVerifierTest.hs256Forgery(registry,
                GlobalConfigurationCodec.toJson(configuration(6, T0))), null);

        refusedKeepingV5(client, Reason.BAD_SIGNATURE, v5);
    }

    @Test
    void otherInstance_isRefusedAndLastGoodKept() throws ConfigurationException, SigningException {
        ConfigurationClient client = clientWithV5();
        source.then(registry.sign(configuration("FI", 6, T0, "Government")), null);

        refusedKeepingV5(client, Reason.WRONG_INSTANCE, v5);
    }

    @Test
    void expiredDownload_isRefusedAndLastGoodKept() throws ConfigurationException, SigningException {
        ConfigurationClient client = clientWithV5();
        source.then(registry.sign(configuration(6, T0.minus(LIFETIME))), null);

        refusedKeepingV5(client, Reason.EXPIRED, v5);
    }

    @Test
    void olderVersion_isRefusedAsRollbackAndLastGoodKept() throws ConfigurationException, SigningException {
        ConfigurationClient client = clientWithV5();
        source.then(registry.sign(configuration(4, T0)), "\"v4\"");

        ConfigurationException e = refusedKeepingV5(client, Reason.VERSION_ROLLBACK, v5);
        assertEquals("at least 5", e.expected().orElseThrow());
        assertEquals("4", e.actual().orElseThrow());
    }

    @Test
    void sameVersionDifferentContent_isRefusedAsConflictAndLastGoodKept() throws ConfigurationException, SigningException {
        ConfigurationClient client = clientWithV5();
        source.then(registry.sign(configuration(INSTANCE, 5, T0, "Governments")), "\"v5b\"");

        refusedKeepingV5(client, Reason.VERSION_CONFLICT, v5);
    }

    @Test
    void sameVersionResigned_isAcceptedAndItsEtagUsed() throws ConfigurationException, SigningException {
        ConfigurationClient client = clientWithV5();
        source.then(registry.sign(v5), "\"v5-again\"").thenNotModified();

        assertEquals(v5, client.refresh());
        assertEquals(v5, client.refresh());
        assertEquals(List.of("\"v5\"", "\"v5-again\""), source.etagsSent.subList(1, 3));
    }

    @Test
    void garbageBody_isRefusedAsMalformedAndLastGoodKept() throws ConfigurationException {
        ConfigurationClient client = clientWithV5();
        source.then("<html>upstream unavailable</html>", null);

        refusedKeepingV5(client, Reason.MALFORMED, v5);
    }

    @Test
    void sourceFailure_isRethrownAndLastGoodKept() throws ConfigurationException {
        ConfigurationClient client = clientWithV5();
        ConfigurationException failure = new ConfigurationException(Reason.DOWNLOAD_FAILED, "connection refused");
        source.thenFail(failure);

        assertSame(failure, assertThrows(ConfigurationException.class, client::refresh));
        assertEquals(v5, client.current());
    }

    @Test
    void failedRefresh_keepsTheEtagOfTheLastGoodCopy() throws ConfigurationException {
        ConfigurationClient client = clientWithV5();
        source.then("garbage", "\"bad\"").thenNotModified();

        assertRefused(Reason.MALFORMED, client::refresh);
        assertEquals(v5, client.refresh());
        assertEquals(List.of("\"v5\"", "\"v5\""), source.etagsSent.subList(1, 3));
    }

    @Test
    void notModified_returnsCurrentCopy() throws ConfigurationException {
        ConfigurationClient client = clientWithV5();
        source.thenNotModified();

        assertEquals(v5, client.refresh());
        assertEquals("\"v5\"", source.etagsSent.get(1));
    }

    @Test
    void notModifiedAfterExpiry_isExpired() throws ConfigurationException {
        ConfigurationClient client = clientWithV5();
        clock.set(v5.expiresAt());
        source.thenNotModified();

        assertRefused(Reason.EXPIRED, client::refresh);
        assertEquals(v5, client.lastGood().orElseThrow());
    }

    @Test
    void notModifiedWithNothingHeld_isDownloadFailed() {
        ConfigurationClient client = client(null);
        source.thenNotModified();

        assertRefused(Reason.DOWNLOAD_FAILED, client::refresh);
    }

    @Test
    void clockPastExpiresAt_currentIsExpiredUntilANewerRefresh() throws ConfigurationException, SigningException {
        ConfigurationClient client = clientWithV5();
        clock.set(v5.expiresAt().plusSeconds(30));

        ConfigurationException e = assertRefused(Reason.EXPIRED, client::current);
        assertTrue(e.getMessage().contains("expired at " + v5.expiresAt() + "; now is " + clock.instant()),
                e.getMessage());
        assertEquals(v5, client.lastGood().orElseThrow());

        GlobalConfiguration v6 = configuration(6, clock.instant());
        source.then(registry.sign(v6), "\"v6\"");
        assertEquals(v6, client.refresh());
        assertEquals(v6, client.current());
    }

    @Test
    void restart_startsFromCacheAndRefusesOlderVersion() throws ConfigurationException, SigningException {
        Path cache = dir.resolve("state/globalconf.jws");
        ConfigurationClient first = client(cache);
        source.then(signedV5, "\"v5\"");
        first.refresh();
        assertTrue(Files.exists(cache));

        clock.advance(Duration.ofDays(1));
        ConfigurationClient restarted = client(cache);

        assertEquals(v5, restarted.lastGood().orElseThrow());
        assertRefused(Reason.EXPIRED, restarted::current);
        source.then(registry.sign(configuration(4, clock.instant())), null);
        assertRefused(Reason.VERSION_ROLLBACK, restarted::refresh);
        assertEquals(v5, restarted.lastGood().orElseThrow());
        assertNull(source.etagsSent.get(1), "a restarted client knows no entity tag");
    }

    @Test
    void newerVersion_replacesCacheFile() throws ConfigurationException, IOException, SigningException {
        Path cache = dir.resolve("globalconf.jws");
        ConfigurationClient client = client(cache);
        GlobalConfiguration v6 = configuration(6, T0);
        source.then(signedV5, null).then(registry.sign(v6), null);
        client.refresh();
        client.refresh();

        assertEquals(v6, client(cache).lastGood().orElseThrow());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(cache), files.toList(), "no temporary files are left behind");
        }
    }

    @Test
    void corruptCacheFile_isIgnored() throws ConfigurationException, IOException, SigningException {
        Path cache = dir.resolve("globalconf.jws");
        Files.writeString(cache, ConfigurationVerifierTest.flipPayloadByte(signedV5), StandardCharsets.US_ASCII);

        ConfigurationClient client = client(cache);

        assertTrue(client.lastGood().isEmpty());
        source.then(registry.sign(configuration(2, T0)), null);
        assertEquals(2, client.refresh().version());
    }

    @Test
    void cacheFileSignedByAnotherKey_isIgnored() throws GeneralSecurityException, IOException, OperatorCreationException, SigningException {
        Path cache = dir.resolve("globalconf.jws");
        Files.writeString(cache, Signer.create("registry").sign(configuration(99, T0)));

        assertTrue(client(cache).lastGood().isEmpty());
    }

    @Test
    void readersDuringRefreshes_alwaysSeeAGoodUnexpiredCopy() throws ConfigurationException, ExecutionException, InterruptedException, SigningException, TimeoutException {
        ConfigurationClient client = clientWithV5();
        for (int version = 6; version < 56; version++) {
            source.then(registry.sign(configuration(version, T0)), null);
        }
        ExecutorService readers = Executors.newFixedThreadPool(4);
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(4);
        try {
            List<Future<Long>> reads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                reads.add(readers.submit(() -> {
                    started.countDown();
                    long seen = 0;
                    while (!done.get()) {
                        long version = client.current().version();
                        assertTrue(version >= seen, "versions seen by one reader never go back");
                        seen = version;
                    }
                    return seen;
                }));
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            for (int version = 6; version < 56; version++) {
                assertEquals(version, client.refresh().version());
            }
            done.set(true);
            for (Future<Long> read : reads) {
                assertTrue(read.get(10, TimeUnit.SECONDS) <= 55);
            }
        } finally {
            done.set(true);
            readers.shutdownNow();
        }
        assertFalse(client.lastGood().isEmpty());
        assertEquals(55, client.current().version());
    }
}
