package org.xroadng.auditlog.access.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.RestrictedAccess;
import org.xroadng.auditlog.access.Restriction;
import org.xroadng.auditlog.access.SealingCipher;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.Jdbc;

/** Restricted events in the access log's database: sealed at once, encrypted, disclosed on their date. */
class SealedEventsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant DISCLOSE = T0.plus(Duration.ofDays(7));

    @TempDir
    Path dir;

    private final SealingCipher cipher = new AesGcm(new byte[32]);

    /** Where the tables are: an H2 file here, a PostgreSQL database in {@link SealedEventsPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    @Test
    void restrictedEvent_stubInTheTreeFromTheFirstSecond_secretEncrypted_disclosedOnItsDate()
            throws ProofVerificationException, java.io.IOException {
        AccessEvent restricted = event(1, new Restriction("police", "CPC-2015-art.88", DISCLOSE));
        try (Database db = database(); H2AccessLog log = H2AccessLog.in(db, cipher)) {
            log.append(event(0, null));
            log.append(restricted);
            assertEquals(2, log.merkleLog().size());
            List<AccessLog.StoredEvent> stored = log.eventsOf("EE1", 10);
            byte[] stub = stored.get(1).entry();
            log.merkleLog().inclusion(1, 2).verify(MerkleHashes.leafHash(stub), log.merkleLog().root(2));
            String text = new String(stub, StandardCharsets.UTF_8);
            assertFalse(text.contains("/person/1") || text.contains("DEMO/GOV/1002"), text);
            assertTrue(text.contains(restricted.commitment()), text);

            // at rest: neither the salt nor the content in the clear
            byte[] sealed = db.inTransaction(c -> Jdbc.queryOne(c, "SELECT sealed FROM access_sealed WHERE event_id = ?",
                    r -> r.getBytes(1), restricted.eventId())).orElseThrow();
            assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("/person/1"));

            SealedEvents secrets = log.sealed();
            assertEquals(0, secrets.discloseDue(DISCLOSE.minusSeconds(1)), "nothing before its date");
            assertEquals(Map.of(), secrets.reveals(List.of(restricted.eventId())));
            List<SealedEvents.Sealed> undisclosed = secrets.undisclosed(10);
            assertEquals(1, undisclosed.size());
            assertEquals("/person/1", undisclosed.get(0).event().get("path"));
            assertEquals(DISCLOSE, secrets.nextDue().orElseThrow());

            assertEquals(1, secrets.discloseDue(DISCLOSE));
            assertEquals(0, secrets.discloseDue(DISCLOSE.plusSeconds(60)), "disclosed once");
            AccessLogAnswer.Reveal reveal = secrets.reveals(List.of(restricted.eventId())).get(restricted.eventId());
            Map<String, Object> stubObject = ProtocolJson.mapper().readValue(stub, Map.class);
            assertEquals(java.util.Optional.empty(), RestrictedAccess.checkReveal(stubObject, reveal.salt(),
                    reveal.event()));
            assertEquals(List.of(), secrets.undisclosed(10));
            assertTrue(secrets.nextDue().isEmpty());
        }
    }

    @Test
    void restrictedEventPrepared_secretEncryptedButNotStored_thenStoredWithItsStub()
            throws java.io.IOException {
        AccessEvent restricted = event(1, new Restriction("police", "CPC-2015-art.88", DISCLOSE));
        try (Database db = database(); H2AccessLog log = H2AccessLog.in(db, cipher)) {
            H2AccessLog.Prepared prepared = log.prepare(List.of(event(0, null), restricted));
            SealedEvents.Secret secret;
            try {
                assertEquals(java.util.Set.of(1), prepared.secrets().keySet(), "the restricted one's, by position");
                secret = prepared.secrets().get(1);
                assertEquals(restricted.eventId(), secret.eventId());
                assertEquals(restricted.commitment(), secret.commitment());
                assertEquals(DISCLOSE, secret.discloseAt());
                assertFalse(secret.toString().contains("sealed"), "names the event only: " + secret);
                assertEquals(List.of(), log.sealed().undisclosed(10),
                        "nothing stored while only prepared: a journal keeps it with the stub first");
                log.appendPrepared(prepared);
            } finally {
                log.endTurn();
            }
            byte[] stored = db.inTransaction(c -> Jdbc.queryOne(c,
                    "SELECT sealed FROM access_sealed WHERE event_id = ?",
                    r -> r.getBytes(1), restricted.eventId())).orElseThrow();
            assertTrue(Arrays.equals(secret.sealed(), stored), "the row holds the prepared secret as it is");
            assertEquals(restricted.eventId(), log.sealed().undisclosed(10).get(0).eventId());
        }
    }

    @Test
    void unrestrictedEventsPrepared_carryNoSecret() {
        try (Database db = database(); H2AccessLog log = H2AccessLog.in(db, cipher)) {
            H2AccessLog.Prepared prepared = log.prepare(List.of(event(0, null), event(1, null)));
            try {
                assertTrue(prepared.secrets().isEmpty());
                log.appendPrepared(prepared);
            } finally {
                log.endTurn();
            }
            assertEquals(0L, (long) db.inTransaction(c -> Jdbc.count(c, "SELECT COUNT(*) FROM access_sealed")));
        }
    }

    @Test
    void secretLostWhileItsStubStayed_restoredOnce_thenDisclosesAndOpensTheStub()
            throws ProofVerificationException, java.io.IOException {
        AccessEvent restricted = event(1, new Restriction("police", "CPC-2015-art.88", DISCLOSE));
        try (Database db = database(); H2AccessLog log = H2AccessLog.in(db, cipher)) {
            H2AccessLog.Prepared prepared = log.prepare(List.of(restricted));
            try {
                log.appendPrepared(prepared);
            } finally {
                log.endTurn();
            }
            SealedEvents.Secret secret = prepared.secrets().get(0);
            assertEquals(0, log.sealed().restore(List.of(secret)), "kept: not stored twice");
            db.inTransaction(c -> Jdbc.update(c, "DELETE FROM access_sealed WHERE event_id = ?", restricted.eventId()));
            assertEquals(List.of(), log.sealed().undisclosed(10));

            assertEquals(1, log.sealed().restore(List.of(secret)));
            assertEquals(1, log.sealed().discloseDue(DISCLOSE));
            assertEquals(0, log.sealed().restore(List.of(secret)), "a disclosed row is left as it is");
            AccessLogAnswer.Reveal reveal = log.sealed().reveals(List.of(restricted.eventId()))
                    .get(restricted.eventId());
            byte[] stub = log.merkleLog().entry(0);
            Map<String, Object> stubObject = ProtocolJson.mapper().readValue(stub, Map.class);
            assertEquals(java.util.Optional.empty(), RestrictedAccess.checkReveal(stubObject, reveal.salt(),
                    reveal.event()));
            assertTrue(log.sealed().reveals(List.of(restricted.eventId())).containsKey(restricted.eventId()));
        }
    }

    @Test
    void restrictedEvent_withoutACipher_isRefusedAndNothingIsAppended() {
        try (H2AccessLog log = H2AccessLog.open(storage(), dir.resolve("al"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> log.append(event(1, new Restriction("police", "CPC-2015-art.88", DISCLOSE))));
            assertTrue(e.getMessage().contains("without a cipher for restricted events"), e.getMessage());
            assertEquals(0, log.merkleLog().size());
        }
    }

    @Test
    void sealedValueChangedAtRest_isNotDisclosedAsSomethingElse() {
        AccessEvent restricted = event(1, new Restriction("police", "CPC-2015-art.88", DISCLOSE));
        try (Database db = database(); H2AccessLog log = H2AccessLog.in(db, cipher)) {
            log.append(restricted);
            db.inTransaction(c -> Jdbc.update(c, "UPDATE access_sealed SET sealed = ? WHERE event_id = ?",
                    new byte[64], restricted.eventId()));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> log.sealed().discloseDue(DISCLOSE));
            assertTrue(e.getMessage().contains("cannot be decrypted"), e.getMessage());
        }
    }

    private Database database() {
        return storage().open(dir.resolve("al"), org.xroadng.auditlog.merkle.store.H2MerkleLog.DATABASE_NAME);
    }

    static AccessEvent event(int n, Restriction restriction) {
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        return new AccessEvent("event-" + n, T0.plusSeconds(n), "provider", SubsystemId.parse("DEMO/GOV/1002/tax"),
                ServiceId.parse("DEMO/GOV/1001/population/person"), "GET", "/person/" + n, null, null,
                "tax-assessment", List.of("EE1"), "q-" + n, null, "ok",
                restriction == null ? null : new AccessEvent.Seal(restriction, salt));
    }

    /** AES-256-GCM as the security server keeps bodies at rest (nonce || ciphertext || tag). */
    static final class AesGcm implements SealingCipher {
        private final SecretKeySpec key;
        private final SecureRandom random = new SecureRandom();

        AesGcm(byte[] key) {
            this.key = new SecretKeySpec(key, "AES");
        }

        @Override
        public byte[] seal(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(associatedData);
            byte[] out = c.doFinal(plaintext);
            byte[] sealed = Arrays.copyOf(nonce, 12 + out.length);
            System.arraycopy(out, 0, sealed, 12, out.length);
            return sealed;
        }

        @Override
        public byte[] open(byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
            c.updateAAD(associatedData);
            return c.doFinal(sealed, 12, sealed.length - 12);
        }
    }
}
