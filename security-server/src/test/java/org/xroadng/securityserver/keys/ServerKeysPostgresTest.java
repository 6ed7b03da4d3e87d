package org.xroadng.securityserver.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;
import org.xroadng.securityserver.ServerException;

/**
 * Every {@link ServerKeysTest} with the keys' roles in a real PostgreSQL database, one per test;
 * and two nodes of one server sharing their token through it.
 */
class ServerKeysPostgresTest extends ServerKeysTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }

    /** A second node: a copy of the first node's token file, its own connection to the database. */
    private ServerKeys secondNode(Database db) throws IOException, TokenException {
        Path copy = dir.resolve("node-b").resolve("token.p12");
        Files.createDirectories(copy.getParent());
        Files.copy(dir.resolve("token.p12"), copy);
        return ServerKeys.open(SoftwareToken.open(copy, Pin.of("1234"), pki.bc, pki.random, pki.clock), db, SERVER,
                "127.0.0.1", pki.clock);
    }

    @Test
    void keysAndCertificatesMadeOnOneNode_reachTheOther()
            throws IOException, InvalidKeyException, NoSuchAlgorithmException, ServerException, TokenException {
        try (Database db = storage().open(dir.resolve("unused"), "securityserver")) {
            ServerKeys nodeB = secondNode(db);
            assertFalse(nodeB.syncShared(), "nothing new yet");

            String added = keys.addSigningKey(OTHER);
            X509Certificate auth = issue(keys.authKeyId(), CertificateProfile.AUTH, SERVER);
            keys.importCertificate(List.of(auth, pki.ca.cert()));

            assertTrue(nodeB.syncShared());
            assertEquals(auth, nodeB.authCertificate().orElseThrow(), "the certificate imported on node A");
            assertTrue(nodeB.keys().stream().anyMatch(k -> k.keyId().equals(added)), "the key generated on node A");
            assertEquals(keys.authSigningKey().publicKey(), nodeB.authSigningKey().publicKey());
            assertFalse(nodeB.syncShared(), "adopted once");
            assertEquals(keys.messageLogKey(), nodeB.messageLogKey(), "one message log key for the server");
        }
    }

    @Test
    void keyChangesOnTwoNodesAtOnce_theSecondRefusedAndUndone() throws IOException, ServerException, TokenException {
        try (Database db = storage().open(dir.resolve("unused"), "securityserver")) {
            ServerKeys nodeB = secondNode(db);
            String first = keys.addSigningKey(OTHER);

            ServerException refused = assertThrows(ServerException.class,
                    () -> nodeB.addSigningKey(MemberId.parse("DEMO/COM/2001")));
            assertEquals(ServerException.Kind.CONFLICT, refused.kind());
            assertTrue(refused.getMessage().contains("another node of this server changed its keys"),
                    refused.getMessage());
            assertTrue(nodeB.keys().stream().anyMatch(k -> k.keyId().equals(first)), "node B took node A's change");
            assertTrue(nodeB.signKeyId(MemberId.parse("DEMO/COM/2001")).isEmpty(), "its own change was not kept");
            assertFalse(keys.syncShared(), "node A's token is the shared one");

            String second = nodeB.addSigningKey(MemberId.parse("DEMO/COM/2001"));
            assertTrue(keys.syncShared());
            assertTrue(keys.keys().stream().anyMatch(k -> k.keyId().equals(second)), "tried again, it is shared");
        }
    }

    @Test
    void nodeWithAnotherPin_refusedClearly() throws TokenException {
        try (Database db = storage().open(dir.resolve("unused"), "securityserver")) {
            SoftwareToken other = SoftwareToken.create(dir.resolve("other.p12"), Pin.of("9999"), pki.bc, pki.random,
                    pki.clock);
            TokenException refused = assertThrows(TokenException.class,
                    () -> ServerKeys.open(other, db, SERVER, "127.0.0.1", pki.clock));
            assertTrue(refused.getMessage().contains("protected by another PIN than this node's"),
                    refused.getMessage());
        }
    }

    @Test
    void newServerOnADatabaseThatHoldsKeys_refused() throws TokenException {
        try (Database db = storage().open(dir.resolve("unused"), "securityserver")) {
            SoftwareToken fresh = SoftwareToken.create(dir.resolve("fresh.p12"), Pin.of("1234"), pki.bc, pki.random,
                    pki.clock);
            ServerException refused = assertThrows(ServerException.class,
                    () -> ServerKeys.create(fresh, db, SERVER, "127.0.0.1", pki.clock));
            assertEquals(ServerException.Kind.CONFLICT, refused.kind());
            assertTrue(refused.getMessage().contains("already holds the keys of a security server"),
                    refused.getMessage());
        }
    }

    @Test
    void keyDeletedOnOneNode_isGoneOnTheOther_andAKeyNotYetSeenIsNotFoundUntilSynced()
            throws IOException, ServerException, TokenException {
        try (Database db = storage().open(dir.resolve("unused"), "securityserver")) {
            String added = keys.addSigningKey(OTHER);
            ServerKeys nodeB = secondNode(db);
            assertTrue(nodeB.keys().stream().anyMatch(k -> k.keyId().equals(added)));

            keys.deleteKey(added);

            assertTrue(nodeB.syncShared());
            assertTrue(nodeB.keys().stream().noneMatch(k -> k.keyId().equals(added)), "node B no longer offers it");
            String again = nodeB.addSigningKey(OTHER);
            assertEquals(ServerException.Kind.NOT_FOUND, assertThrows(ServerException.class,
                    () -> keys.deleteKey(again)).kind(), "node A has not read node B's key yet");
            assertTrue(keys.syncShared());
            keys.deleteKey(again);
            assertTrue(nodeB.syncShared());
            assertTrue(nodeB.signKeyId(OTHER).isEmpty());
        }
    }
}
