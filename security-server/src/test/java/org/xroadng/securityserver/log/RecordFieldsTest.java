package org.xroadng.securityserver.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The canonical encoding a record hash covers, pinned byte for byte as {@link LogRow} documents it
 * (written here with plain {@link DataOutputStream}): stored chains, archives and evidence bundles
 * made by any earlier version must keep verifying, so the encoding can never change.
 */
class RecordFieldsTest {


    private static void string(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
        } else {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static void bytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    @Test
    void canonicalBytesAndRecordHash_asDocumented() throws IOException {
        Instant exchanged = Instant.parse("2026-12-01T10:00:00.123456789Z");
        Instant stored = Instant.parse("2026-12-01T10:00:01Z");
        RecordFields fields = new RecordFields(42, "provider", "response", "q-1", null, "DEMO/GOV/1002/tax",
                "DEMO/GOV/1001/population/person", "GET", "/person/EE1", "officer-7", null, "kiểm tra thuế",
                List.of("EE1", "VN-001"), List.of(), 200, exchanged, stored, "eyJhbGciOiJFUzI1NiJ9.e30.c2ln",
                LogFixtures.filled(1), LogFixtures.filled(2), LogFixtures.filled(3));

        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        string(out, "xroadng/messagelog/record/v1");
        out.writeLong(42);
        for (String value : new String[] {"provider", "response", "q-1", null, "DEMO/GOV/1002/tax",
                "DEMO/GOV/1001/population/person", "GET", "/person/EE1", "officer-7", null, "kiểm tra thuế"}) {
            string(out, value);
        }
        out.writeLong(2);
        string(out, "EE1");
        string(out, "VN-001");
        out.writeLong(0);
        out.writeBoolean(true);
        out.writeInt(200);
        out.writeLong(exchanged.getEpochSecond());
        out.writeLong(exchanged.getNano());
        out.writeLong(stored.getEpochSecond());
        out.writeLong(stored.getNano());
        string(out, "eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
        bytes(out, LogFixtures.filled(1));
        bytes(out, LogFixtures.filled(2));
        byte[] expected = buffer.toByteArray();

        assertArrayEquals(expected, fields.canonicalBytes());
        MessageDigest sha = LogRow.sha256();
        sha.update(LogFixtures.filled(3));
        sha.update(expected);
        assertArrayEquals(sha.digest(), fields.recordHash());
    }

    private static RecordFields withSignature(String signature) {
        Instant at = Instant.parse("2026-12-01T10:00:00Z");
        return new RecordFields(7, "consumer", "request", "q-7", null, "DEMO/GOV/1002/tax", "DEMO/GOV/1001/population/person",
                "GET", "/person/EE7", null, null, null, List.of("EE7"), List.of(), null, at, at, signature,
                LogFixtures.filled(4), LogFixtures.filled(5), LogFixtures.filled(6));
    }

    @Test
    void encodingsOnOneThread_shareNoBytes_alsoAfterOneLargerThanTheReusedBuffer() {
        RecordFields small = withSignature("eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
        RecordFields large = withSignature("x".repeat(300_000));
        byte[] first = small.canonicalBytes();
        byte[] kept = first.clone();

        byte[] largeBytes = large.canonicalBytes();
        byte[] hashAfter = small.recordHash();

        assertArrayEquals(kept, first, "a later encoding on the same thread changed an earlier result");
        assertTrue(largeBytes.length > 300_000);
        assertArrayEquals(first, small.canonicalBytes());
        MessageDigest sha = LogRow.sha256();
        sha.update(LogFixtures.filled(6));
        sha.update(first);
        assertArrayEquals(sha.digest(), hashAfter);
    }
}
