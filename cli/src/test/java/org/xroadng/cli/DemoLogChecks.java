package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.xroadng.auditlog.access.store.H2AccessLog;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.certs.token.Pin;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.registry.RegistryException;
import org.xroadng.registry.RegistryHome;
import org.xroadng.securityserver.SecurityServer;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.log.ChainVerification;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.MessageLogException;
import org.xroadng.securityserver.log.StoredExchange;

/**
 * What the process-level fault tests check in a stopped demo's data directory: every exchange an
 * information system got a 200 for is in a server's message log with an intact chain, and each
 * server's access log agrees with the latest checkpoint the registry's witness accepted from it.
 */
final class DemoLogChecks {

    static final String CONSUMER_DIR = "DEMO_GOV_1002_ss1";
    static final String PROVIDER_DIR = "DEMO_GOV_1001_ss1";
    static final SecurityServerId CONSUMER = SecurityServerId.parse("DEMO/GOV/1002/ss1");
    static final SecurityServerId PROVIDER = SecurityServerId.parse("DEMO/GOV/1001/ss1");

    private DemoLogChecks() {
    }

    /**
     * Opens the server's message log and checks the chain and every answered exchange (the demo
     * citizen's record, fetched with GET), on {@code side}.
     */
    static void assertLogged(Path serverDir, String side, Set<String> answered)
            throws MessageLogException, ServerException {
        try (ServerHome home = ServerHome.open(serverDir, Pin.of(DemoNetwork.DEVELOPMENT_PIN), new BouncyCastleProvider(),
                new SecureRandom(), Clock.systemUTC());
             H2MessageLog log = home.openMessageLog()) {
            ChainVerification chain = log.verifyChain();
            assertTrue(chain.intact(), side + " log: " + chain);
            List<String> missing = new ArrayList<>();
            for (String id : answered) {
                Optional<StoredExchange> stored = log.find(id, side);
                if (stored.isEmpty()) {
                    missing.add(id);
                    continue;
                }
                StoredExchange exchange = stored.get();
                assertEquals(exchange.requestRecordId() + 1, exchange.responseRecordId(), id);
                assertEquals(200, exchange.exchange().status(), id);
                assertEquals(id, exchange.exchange().queryId());
                assertTrue(exchange.exchange().requestSignature() != null
                        && exchange.exchange().responseSignature() != null, id + " has both signatures");
                assertTrue(new String(exchange.exchange().responseBody(), StandardCharsets.UTF_8)
                        .contains("EE38001010001"), id + " response body");
                assertArrayEquals(new byte[0], exchange.exchange().requestBody(), id + " GET has no body");
            }
            assertTrue(missing.isEmpty(), side + " log lacks " + missing.size() + " of " + answered.size()
                    + " answered exchanges: " + missing);
            assertTrue(((ChainVerification.Intact) chain).records() >= 2L * answered.size(),
                    side + " log has " + chain + " for " + answered.size() + " exchanges");
        }
    }

    /**
     * Opens each server's access log and checks it against the latest checkpoint the witness
     * accepted from it: the witnessed size is within the log, and the log's root at that size is
     * the witnessed root. {@code required}: the witness must hold one.
     */
    static void assertWitnessed(Path data, boolean required) throws RegistryException {
        try (RegistryHome registry = RegistryHome.open(data.resolve("registry"), Pin.of(DemoNetwork.DEVELOPMENT_PIN),
                new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC())) {
            assertWitnessed(data.resolve("servers").resolve(CONSUMER_DIR), registry, CONSUMER, required);
            assertWitnessed(data.resolve("servers").resolve(PROVIDER_DIR), registry, PROVIDER, required);
        }
    }

    private static void assertWitnessed(Path serverDir, RegistryHome registry, SecurityServerId server,
                                        boolean required) {
        Optional<WitnessedCheckpoint> latest = registry.registry().witness().latest(server);
        assertTrue(latest.isPresent() || !required, "the witness holds no checkpoint from " + server.format());
        try (H2AccessLog accessLog = H2AccessLog.open(serverDir.resolve(SecurityServer.ACCESS_LOG_FILE))) {
            MerkleLog merkle = accessLog.merkleLog();
            if (latest.isPresent()) {
                WitnessedCheckpoint witnessed = latest.get();
                assertTrue(witnessed.size() <= merkle.size(), server.format() + ": witnessed size "
                        + witnessed.size() + " but the access log holds " + merkle.size() + " events");
                assertEquals(witnessed.rootHash(), Checkpoint.encodeHash(merkle.root(witnessed.size())),
                        server.format() + ": root at the witnessed size " + witnessed.size());
            }
        }
    }
}
