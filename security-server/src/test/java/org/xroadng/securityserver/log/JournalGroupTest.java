package org.xroadng.securityserver.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.access.store.SealedEvents;
import org.xroadng.securityserver.log.journal.Journal;

/**
 * The entries of one journal append keep what their signatures have in common once: later
 * entries refer back to the first signature that began the same way, are that much smaller, and
 * read back to the very rows written, record hashes and all, for compact JWS and batch
 * signatures alike. An entry whose reference cannot be followed is refused.
 */
class JournalGroupTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    private static LogRow row(long id, String kind, String signature) {
        byte[] sha = new byte[32];
        sha[0] = (byte) id;
        return new LogRow(id, "provider", kind, "q-" + id, "r-" + id, "DEMO/GOV/1002/tax",
                "DEMO/GOV/1001/population/person", "GET", "/person/EE1", null, null, "tax-assessment", List.of("EE1"),
                List.of(), LogRow.RESPONSE.equals(kind) ? 200 : null, AT, AT, signature, sha, new byte[] {(byte) id},
                new byte[32]);
    }

    private static JournalEntry exchange(long n) {
        String query = "q-" + n;
        return new JournalEntry(List.of(row(2 * n - 1, LogRow.REQUEST, LogFixtures.requestSignature(query)),
                row(2 * n, LogRow.RESPONSE, LogFixtures.responseSignature(query))),
                new JournalEntry.Access(n, new byte[] {1}, List.of("EE1")));
    }

    /** The payloads of one append laid out as in a segment: by each frame's offset. */
    private record Segment(TreeMap<Long, byte[]> frames) {
        static Segment of(List<byte[]> payloads) {
            TreeMap<Long, byte[]> frames = new TreeMap<>();
            long at = 4096;
            for (byte[] payload : payloads) {
                frames.put(at, payload);
                at += Journal.frameBytes(payload.length);
            }
            return new Segment(frames);
        }

        JournalEntry read(long offset) {
            return JournalEntry.decode(frames.get(offset), ref -> {
                byte[] earlier = frames.get(offset - ref.backBytes());
                if (earlier == null) {
                    throw new IllegalArgumentException("no frame " + ref.backBytes() + " bytes back");
                }
                return read(offset - ref.backBytes()).rows().get(ref.row()).signature().getBytes(StandardCharsets.UTF_8);
            });
        }
    }

    @Test
    void laterEntriesOfAnAppend_referToTheFirstHeader_andReadBackAsWritten() {
        JournalGroup group = new JournalGroup();
        List<JournalEntry> written = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        for (long n = 1; n <= 5; n++) {
            written.add(exchange(n));
            payloads.add(group.encode(written.get(written.size() - 1)));
        }
        assertEquals(JournalEntry.VERSION_1, payloads.get(0)[4], "the first entry writes both headers whole");
        for (int i = 1; i < payloads.size(); i++) {
            assertEquals(JournalEntry.VERSION_3, payloads.get(i)[4], "entry " + i + " refers back");
            assertTrue(payloads.get(i).length + 1000 < payloads.get(0).length,
                    "entry " + i + " is smaller by the two headers: " + payloads.get(i).length + " of " + payloads.get(0).length);
        }
        Segment segment = Segment.of(payloads);
        int i = 0;
        for (long offset : segment.frames().keySet()) {
            JournalEntry read = segment.read(offset);
            JournalEntry expected = written.get(i++);
            assertEquals(expected.rows().size(), read.rows().size());
            for (int r = 0; r < read.rows().size(); r++) {
                assertEquals(expected.rows().get(r).signature(), read.rows().get(r).signature());
                assertArrayEquals(expected.rows().get(r).recordHash(), read.rows().get(r).recordHash(),
                        "the row hashes as written");
            }
            assertEquals(expected.access().index(), read.access().index());
        }
    }

    @Test
    void aSecretAndSharedHeaders_bothReadBack() {
        JournalGroup group = new JournalGroup();
        byte[] first = group.encode(exchange(1));
        SealedEvents.Secret secret = new SealedEvents.Secret("event-2", "c0ffee", AT.plusSeconds(86_400), new byte[] {9});
        JournalEntry restricted = new JournalEntry(exchange(2).rows(),
                new JournalEntry.Access(2, new byte[] {2}, List.of("EE1"), secret));
        byte[] second = group.encode(restricted);
        assertEquals(JournalEntry.VERSION_3, second[4]);
        JournalEntry read = Segment.of(List.of(first, second)).read(4096 + Journal.frameBytes(first.length));
        assertEquals("event-2", read.access().secret().eventId());
        assertEquals(LogFixtures.responseSignature("q-2"), read.rows().get(1).signature());
    }

    @Test
    void shortOrMissingHeaders_writtenWhole() {
        JournalGroup group = new JournalGroup();
        for (int n = 1; n <= 3; n++) {
            JournalEntry plain = new JournalEntry(List.of(row(2L * n - 1, LogRow.REQUEST, "jws.request.q-" + n),
                    row(2L * n, LogRow.RESPONSE, null)), null);
            byte[] payload = group.encode(plain);
            assertEquals(JournalEntry.VERSION_1, payload[4], "entry " + n);
            assertArrayEquals(plain.encode(), payload, "as entries were written before");
        }
    }

    @Test
    void aReferenceReadWhereNoEarlierEntryIs_refusedNaming() {
        JournalGroup group = new JournalGroup();
        group.encode(exchange(1));
        byte[] second = group.encode(exchange(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JournalEntry.decode(second));
        assertTrue(e.getMessage().contains("refers to a signature"), e.getMessage());
    }

    @Test
    void aReferenceToNoFrame_refused() {
        JournalGroup group = new JournalGroup();
        byte[] first = group.encode(exchange(1));
        byte[] second = group.encode(exchange(2));
        long secondAt = 4096 + Journal.frameBytes(first.length);
        TreeMap<Long, byte[]> alone = new TreeMap<>();
        alone.put(secondAt, second);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Segment(alone).read(secondAt));
        assertTrue(e.getMessage().contains("no frame"), e.getMessage());
    }

    @Test
    void batchSignatures_oneBase64BlobEach_shareTheirCommonBeginning() {
        // as a batch signature is sent: the base64 of a JSON object whose first member is the signer's header
        String header = "\"protected\":\"" + "h".repeat(1500) + "\"";
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        JournalGroup group = new JournalGroup();
        List<byte[]> payloads = new ArrayList<>();
        List<String> signatures = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            String signature = b64.encodeToString(("{" + header + ",\"path\":[\"p" + n + "\"],\"n\":" + n + "}")
                    .getBytes(StandardCharsets.UTF_8));
            signatures.add(signature);
            payloads.add(group.encode(new JournalEntry(List.of(row(n, LogRow.REQUEST, signature)), null)));
        }
        assertTrue(payloads.get(2).length + 1500 < payloads.get(0).length, payloads.get(2).length + " of "
                + payloads.get(0).length + " bytes");
        Segment segment = Segment.of(payloads);
        int i = 0;
        for (long offset : segment.frames().keySet()) {
            assertEquals(signatures.get(i++), segment.read(offset).rows().get(0).signature());
        }
    }

    @Test
    void aCommonBeginningEndingInsideAMultiByteCharacter_readsBackWhole() {
        String common = "é".repeat(600); // two bytes each in UTF-8
        JournalGroup group = new JournalGroup();
        byte[] first = group.encode(new JournalEntry(List.of(row(1, LogRow.REQUEST, common + "aé-first")), null));
        // differs from the first in the second byte of a character: the common bytes end mid-character
        byte[] second = group.encode(new JournalEntry(List.of(row(2, LogRow.REQUEST, common + "aè-second")), null));
        assertEquals(JournalEntry.VERSION_3, second[4]);
        JournalEntry read = Segment.of(List.of(first, second)).read(4096 + Journal.frameBytes(first.length));
        assertEquals(common + "aè-second", read.rows().get(0).signature());
    }

    @Test
    void anEntryReferredToMayItselfReferFurtherBack() {
        String a = "A".repeat(800);
        String b = "B".repeat(800);
        String c = "C".repeat(800);
        JournalGroup group = new JournalGroup();
        List<JournalEntry> written = List.of(
                new JournalEntry(List.of(row(1, LogRow.REQUEST, a + ".1"), row(2, LogRow.RESPONSE, b + ".2")), null),
                // a new signer for the request (whole), the response's signer seen before (a reference)
                new JournalEntry(List.of(row(3, LogRow.REQUEST, c + ".3"), row(4, LogRow.RESPONSE, b + ".4")), null),
                // its request refers to the entry above, whose response refers to the first
                new JournalEntry(List.of(row(5, LogRow.REQUEST, c + ".5"), row(6, LogRow.RESPONSE, a + ".6")), null));
        List<byte[]> payloads = new ArrayList<>();
        for (JournalEntry entry : written) {
            payloads.add(group.encode(entry));
        }
        Segment segment = Segment.of(payloads);
        int i = 0;
        for (long offset : segment.frames().keySet()) {
            JournalEntry read = segment.read(offset);
            for (int r = 0; r < 2; r++) {
                assertEquals(written.get(i).rows().get(r).signature(), read.rows().get(r).signature());
            }
            i++;
        }
    }
}
