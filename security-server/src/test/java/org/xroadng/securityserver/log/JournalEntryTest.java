package org.xroadng.securityserver.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.access.store.SealedEvents;

/**
 * The journal entry's encoding: entries without a secret are version 1, byte for byte as releases
 * before restricted events wrote them (the known answers below were encoded by such a release), and
 * are read as before; a restricted event's stub carries its secret in a version 2 entry.
 */
class JournalEntryTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:00:00.123456789Z");
    private static final HexFormat HEX = HexFormat.of();

    private static final String V1_EXCHANGE_WITH_EVENT =
            "0000000101000000000000000200000000000000010000000870726f766964657200000007726571"
            + "7565737400000003712d3100000003722d310000001144454d4f2f474f562f313030322f74617800"
            + "00001f44454d4f2f474f562f313030312f706f70756c6174696f6e2f706572736f6e000000034745"
            + "540000000b2f706572736f6e2f45453100000006757365722d31ffffffff0000000e7461782d6173"
            + "736573736d656e740000000000000001000000034545310000000000000000000000000000000000"
            + "6b0e9aa000000000075bcd15000000006b0e9aa100000000075bcd15000000057369672d31000000"
            + "20010000000000000000000000000000000000000000000000000000000000000000000004010203"
            + "01000000200000000000000000000000000000000000000000000000000000000000000001000000"
            + "00000000020000000870726f766964657200000008726573706f6e736500000003712d3100000003"
            + "722d310000001144454d4f2f474f562f313030322f7461780000001f44454d4f2f474f562f313030"
            + "312f706f70756c6174696f6e2f706572736f6e000000034745540000000b2f706572736f6e2f4545"
            + "3100000006757365722d31ffffffff0000000e7461782d6173736573736d656e7400000000000000"
            + "01000000034545310000000000000002000000034545310000000345453201000000c8000000006b"
            + "0e9aa000000000075bcd15000000006b0e9aa100000000075bcd15000000057369672d3200000020"
            + "02000000000000000000000000000000000000000000000000000000000000000000000401020302"
            + "00000020000000000000000000000000000000000000000000000000000000000000000200000000"
            + "00000007000000117b226576656e744964223a22652d31227d000000000000000200000003454531"
            + "00000003454532";
    private static final String V1_REFUSED_ATTEMPT =
            "000000010100000000000000000000000000000000000000027b7d00000000000000010000000345"
            + "4533";
    private static final String V1_EXCHANGE_WITHOUT_SUBJECTS =
            "0000000101000000000000000200000000000000010000000870726f766964657200000007726571"
            + "7565737400000003712d3100000003722d310000001144454d4f2f474f562f313030322f74617800"
            + "00001f44454d4f2f474f562f313030312f706f70756c6174696f6e2f706572736f6e000000034745"
            + "540000000b2f706572736f6e2f45453100000006757365722d31ffffffff0000000e7461782d6173"
            + "736573736d656e740000000000000001000000034545310000000000000000000000000000000000"
            + "6b0e9aa000000000075bcd15000000006b0e9aa100000000075bcd15000000057369672d31000000"
            + "20010000000000000000000000000000000000000000000000000000000000000000000004010203"
            + "01000000200000000000000000000000000000000000000000000000000000000000000001000000"
            + "00000000020000000870726f766964657200000008726573706f6e736500000003712d3100000003"
            + "722d310000001144454d4f2f474f562f313030322f7461780000001f44454d4f2f474f562f313030"
            + "312f706f70756c6174696f6e2f706572736f6e000000034745540000000b2f706572736f6e2f4545"
            + "3100000006757365722d31ffffffff0000000e7461782d6173736573736d656e7400000000000000"
            + "01000000034545310000000000000002000000034545310000000345453201000000c8000000006b"
            + "0e9aa000000000075bcd15000000006b0e9aa100000000075bcd15000000057369672d3200000020"
            + "02000000000000000000000000000000000000000000000000000000000000000000000401020302"
            + "000000200000000000000000000000000000000000000000000000000000000000000002ffffffff"
            + "ffffffff";

    static LogRow row(long id, String kind) {
        byte[] sha = new byte[32];
        sha[0] = (byte) id;
        byte[] prev = new byte[32];
        prev[31] = (byte) id;
        return new LogRow(id, "provider", kind, "q-1", "r-1", "DEMO/GOV/1002/tax", "DEMO/GOV/1001/population/person",
                "GET", "/person/EE1", "user-1", null, "tax-assessment", List.of("EE1"),
                LogRow.RESPONSE.equals(kind) ? List.of("EE1", "EE2") : List.of(),
                LogRow.RESPONSE.equals(kind) ? 200 : null, AT, AT.plusSeconds(1), "sig-" + id, sha,
                new byte[] {1, 2, 3, (byte) id}, prev);
    }

    private static List<LogRow> exchangeRows() {
        return List.of(row(1, LogRow.REQUEST), row(2, LogRow.RESPONSE));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static SealedEvents.Secret secret() {
        return new SealedEvents.Secret("event-9", "c0ffee", Instant.parse("2027-01-01T00:00:00Z"),
                new byte[] {9, 8, 7, 6, 5});
    }

    @Test
    void entriesWithoutASecret_encodeAsVersion1ByteForByteAsBefore() {
        assertEquals(V1_EXCHANGE_WITH_EVENT, HEX.formatHex(new JournalEntry(exchangeRows(),
                new JournalEntry.Access(7, bytes("{\"eventId\":\"e-1\"}"), List.of("EE1", "EE2"))).encode()));
        assertEquals(V1_REFUSED_ATTEMPT, HEX.formatHex(new JournalEntry(List.of(),
                new JournalEntry.Access(0, bytes("{}"), List.of("EE3"))).encode()));
        assertEquals(V1_EXCHANGE_WITHOUT_SUBJECTS, HEX.formatHex(new JournalEntry(exchangeRows(), null).encode()));
    }

    @Test
    void version1EntriesOfEarlierReleases_decodeWithoutASecret() {
        JournalEntry entry = JournalEntry.decode(HEX.parseHex(V1_EXCHANGE_WITH_EVENT));
        assertEquals(2, entry.rows().size());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(exchangeRows().get(i).recordHash(), entry.rows().get(i).recordHash(),
                    "row " + i + ", every field as written");
        }
        assertEquals(7, entry.access().index());
        assertArrayEquals(bytes("{\"eventId\":\"e-1\"}"), entry.access().entry());
        assertEquals(List.of("EE1", "EE2"), entry.access().subjects());
        assertNull(entry.access().secret());

        JournalEntry refused = JournalEntry.decode(HEX.parseHex(V1_REFUSED_ATTEMPT));
        assertEquals(List.of(), refused.rows());
        assertEquals(List.of("EE3"), refused.access().subjects());
        assertNull(refused.access().secret());

        assertNull(JournalEntry.decode(HEX.parseHex(V1_EXCHANGE_WITHOUT_SUBJECTS)).access());
    }

    @Test
    void restrictedStub_isVersion2_theSecretReadBackAsWritten() {
        byte[] stub = bytes("{\"eventId\":\"event-9\",\"restricted\":{}}");
        byte[] encoded = new JournalEntry(exchangeRows(), new JournalEntry.Access(7, stub, List.of("EE1"), secret()))
                .encode();
        assertEquals(JournalEntry.VERSION_2, encoded[4], "the version byte, after its length");

        JournalEntry.Access access = JournalEntry.decode(encoded).access();
        assertArrayEquals(stub, access.entry());
        SealedEvents.Secret secret = access.secret();
        assertEquals("event-9", secret.eventId());
        assertEquals("c0ffee", secret.commitment());
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"), secret.discloseAt());
        assertArrayEquals(new byte[] {9, 8, 7, 6, 5}, secret.sealed());

        byte[] accessOnly = new JournalEntry(List.of(), new JournalEntry.Access(0, stub, List.of("EE1"), secret()))
                .encode();
        assertEquals("event-9", JournalEntry.decode(accessOnly).access().secret().eventId(),
                "a refused restricted attempt keeps its secret too");
    }

    @Test
    void version2CutShort_refusedAsEndingEarly() {
        byte[] encoded = new JournalEntry(List.of(), new JournalEntry.Access(0, bytes("{}"), List.of("EE1"), secret()))
                .encode();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JournalEntry.decode(Arrays.copyOf(encoded, encoded.length - 3)));
        assertTrue(e.getMessage().contains("a field of") || e.getMessage().contains("ends early"), e.getMessage());
    }

    @Test
    void version2WithoutAnAccessEntry_refused() {
        byte[] rowsOnly = HEX.parseHex(V1_EXCHANGE_WITHOUT_SUBJECTS);
        rowsOnly[4] = JournalEntry.VERSION_2;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JournalEntry.decode(rowsOnly));
        assertTrue(e.getMessage().contains("without an access entry"), e.getMessage());
    }

    @Test
    void unknownVersion_refused() {
        byte[] later = HEX.parseHex(V1_REFUSED_ATTEMPT);
        later[4] = 4;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JournalEntry.decode(later));
        assertTrue(e.getMessage().contains("unknown journal entry version"), e.getMessage());
    }
}
