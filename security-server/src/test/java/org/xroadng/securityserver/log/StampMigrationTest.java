package org.xroadng.securityserver.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.securityserver.log.timestamp.RecordStamp;
import org.xroadng.securityserver.log.timestamp.StampTable;

/**
 * A message log written before migration V5 (stamps as columns of message_record) keeps every
 * record's stamp and its unstamped records once opened: V5 moved the stamps into record_stamp, V8
 * drops that and computes a record's path from its batch's record hashes; one
 * written before V6 (bodies as large objects) keeps its bodies and its chain: V6 stores them inline.
 */
class StampMigrationTest {

    @TempDir
    Path dir;

    @Test
    void logStampedBeforeV5_keepsItsStampsAndUnstampedRecordsAfterOpening() throws SQLException, MessageLogException {
        Path file = dir.resolve("messagelog");
        JdbcDataSource source = new JdbcDataSource();
        source.setURL(H2MessageLog.jdbcUrl(file));
        source.setUser("messagelog");
        source.setPassword("");
        Flyway.configure().dataSource(source).locations("classpath:db/messagelog").target("4").load().migrate();
        // Records 1 and 2 (record hashes filled(1) and filled(2)) were stamped as one batch.
        InMemoryMerkleLog tree = new InMemoryMerkleLog();
        tree.append(LogFixtures.filled(1));
        tree.append(LogFixtures.filled(2));
        byte[] root = tree.root(2);
        byte[] sibling = tree.inclusion(1, 2).path().get(0);
        try (Connection c = source.getConnection()) {
            Jdbc.update(c, "INSERT INTO timestamp_batch (id, root, size, first_record_id, last_record_id, tsa_url, token,"
                    + " stamped_at, gen_time) VALUES (1, ?, 2, 1, 2, 'http://tsa.example/tsa', ?, ?, ?)", root,
                    new byte[] {48, 0}, Instant.parse("2026-03-01T10:00:01Z"), Instant.parse("2026-03-01T10:00:01Z"));
            for (long id = 1; id <= 3; id++) {
                Jdbc.update(c, "INSERT INTO message_record (id, side, kind, query_id, client, service, exchanged_at,"
                        + " stored_at, signature, body_sha256, body_sealed, prev_hash, record_hash, timestamp_batch_id,"
                        + " leaf_index, inclusion_path) VALUES (?, 'consumer', ?, 'q-1', 'DEMO/GOV/1002/tax',"
                        + " 'DEMO/GOV/1001/population/person', ?, ?, 'jws', ?, ?, ?, ?, ?, ?, ?)", id,
                        id % 2 == 1 ? "request" : "response", Instant.parse("2026-03-01T10:00:00Z"),
                        Instant.parse("2026-03-01T10:00:00Z"), LogFixtures.filled(1), new byte[] {1}, LogFixtures.filled((int) id - 1),
                        LogFixtures.filled((int) id), id <= 2 ? 1L : null, id <= 2 ? (int) id - 1 : null, id <= 2 ? sibling : null);
            }
        }

        try (H2MessageLog log = H2MessageLog.open(file, MessageLogKey.of(new byte[32]), new BouncyCastleProvider(),
                new SecureRandom(), Clock.systemUTC(), MessageLogSettings.defaults(), MessageLogListener.NONE)) {
            RecordStamp second = log.stampOf(2).orElseThrow();
            assertEquals(1, second.batch().id());
            assertEquals(1, second.leafIndex());
            assertEquals(1, second.path().size());
            assertArrayEquals(sibling, second.path().get(0));
            assertArrayEquals(root, second.batch().root());
            assertTrue(log.stampOf(3).isEmpty(), "record 3 was not stamped and is not now");
            try (Connection c = source.getConnection()) {
                assertEquals(1, StampTable.countUnstamped(c));
                assertEquals(List.of(3L), StampTable.unstamped(c, 10, Long.MAX_VALUE).stream().map(StampTable.Unstamped::id).toList());
            }
        }
    }

    @Test
    void bodiesStoredAsLargeObjectsBeforeV6_decryptAndChainAfterOpening()
            throws SQLException, MessageLogException, java.security.GeneralSecurityException {
        Path file = dir.resolve("messagelog");
        JdbcDataSource source = new JdbcDataSource();
        source.setURL(H2MessageLog.jdbcUrl(file));
        source.setUser("messagelog");
        source.setPassword("");
        Flyway.configure().dataSource(source).locations("classpath:db/messagelog").target("5").load().migrate();
        MessageLogKey key = LogFixtures.key(5);
        RecordCipher cipher = new RecordCipher(key, new BouncyCastleProvider(), new SecureRandom());
        Instant at = Instant.parse("2026-03-01T10:00:00Z");
        List<LogRow> rows = new java.util.ArrayList<>();
        List<byte[]> hashes = new java.util.ArrayList<>();
        byte[] prev = LogRow.GENESIS;
        for (long id = 1; id <= 2; id++) {
            String kind = id == 1 ? LogRow.REQUEST : LogRow.RESPONSE;
            byte[] body = ("{\"body\":" + id + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] sealed = cipher.seal(body, LogRow.associatedData(id, "provider", kind, "q-1", "r-1"));
            LogRow row = new LogRow(id, "provider", kind, "q-1", "r-1", "DEMO/GOV/1002/tax",
                    "DEMO/GOV/1001/population/person", "GET", "/person", null, null, null, List.of(), List.of(),
                    id == 1 ? null : 200, at, at, "jws-" + id, LogRow.sha256().digest(body), sealed, prev);
            prev = row.recordHash();
            rows.add(row);
            hashes.add(prev);
        }
        try (Connection c = source.getConnection()) {
            insertWithEveryColumn(c, rows, hashes);
        }

        try (H2MessageLog log = H2MessageLog.open(file, key, new BouncyCastleProvider(), new SecureRandom(),
                Clock.systemUTC(), MessageLogSettings.defaults(), MessageLogListener.NONE)) {
            StoredExchange exchange = log.find("q-1", "provider").orElseThrow();
            assertEquals("{\"body\":2}", new String(exchange.exchange().responseBody(),
                    java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(new ChainVerification.Intact(2, java.util.HexFormat.of().formatHex(prev)), log.verifyChain());
        }
    }


    /** Rows as every version before V7 stored them: each column in the table, no journal location. */
    private static void insertWithEveryColumn(Connection c, List<LogRow> rows, List<byte[]> hashes)
            throws SQLException {
        for (int i = 0; i < rows.size(); i++) {
            LogRow r = rows.get(i);
            Jdbc.update(c, "INSERT INTO message_record (" + RecordTable.COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", r.id(), r.side(), r.kind(), r.queryId(), r.requestId(),
                    r.client(), r.service(), r.method(), r.path(), r.userId(), r.issue(), r.purpose(),
                    r.subjects().isEmpty() ? null : String.join("\n", r.subjects()),
                    r.dataSubjects().isEmpty() ? null : String.join("\n", r.dataSubjects()), r.status(),
                    r.exchangedAt(), r.storedAt(), r.signature(), r.bodySha256(), r.bodySealed(), r.prevHash(),
                    hashes.get(i));
        }
    }
}
