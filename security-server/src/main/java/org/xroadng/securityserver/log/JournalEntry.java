package org.xroadng.securityserver.log;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xroadng.auditlog.access.store.SealedEvents;

/**
 * What one journal entry holds (see {@link H2MessageLog}): the message-log rows of one exchange
 * (its request and its response, each sealed and hash-linked as stored) and, when the exchange
 * names data subjects, its access-log entry with the leaf index it was given; a refused attempt
 * has the access entry only. One entry, so one write and one device flush, keeps both logs of an
 * exchange; the H2 tables are filled from the same values, so replaying an entry after a crash
 * stores exactly what was acknowledged.
 *
 * <p>A restricted event's access entry is its stub; what the stub commits to (salt and content,
 * encrypted) is carried beside it ({@link SealedEvents.Secret}), so the secret is durable in the
 * same write as its stub and a replay stores the identical {@code access_sealed} row with it: the
 * journal never holds a stub whose secret only the tables had.
 *
 * <p>Encoding: a version byte, the row count, each row's columns in {@link RecordTable#COLUMNS}
 * order (as {@link LogRow.Encoder} writes them; the record hash is recomputed, not stored), then
 * the access entry's index (-1: none) and, when present, its bytes and subjects. Version 1 ends
 * there; it is what every entry without a secret is written as, byte for byte as releases before
 * restricted events wrote it, so an ordinary exchange costs no byte more. Version 2, written only
 * when the access entry carries a secret, goes on with the secret's event id, commitment,
 * disclosure date and sealed bytes. Both are read.
 */
record JournalEntry(List<LogRow> rows, Access access) {

    /** Entries without a secret: every entry earlier releases wrote. */
    static final byte VERSION_1 = 1;
    /** Entries whose access entry is a restricted event's stub, its secret after the subjects. */
    static final byte VERSION_2 = 2;

    /**
     * An access-log entry: leaf {@code index}, its bytes, the subjects that index it and, for a
     * restricted event's stub, its secret (null otherwise).
     */
    record Access(long index, byte[] entry, List<String> subjects, SealedEvents.Secret secret) {
        Access {
            Objects.requireNonNull(entry, "entry");
            subjects = List.copyOf(subjects);
        }

        /** An unrestricted event's entry. */
        Access(long index, byte[] entry, List<String> subjects) {
            this(index, entry, subjects, null);
        }
    }

    JournalEntry {
        rows = List.copyOf(rows);
        if (rows.isEmpty() && access == null) {
            throw new IllegalArgumentException("a journal entry holds rows, an access entry or both");
        }
    }

    byte[] encode() {
        LogRow.Encoder e = LogRow.Encoder.scratch();
        boolean secret = access != null && access.secret() != null;
        e.bytes(new byte[] {secret ? VERSION_2 : VERSION_1});
        e.longValue(rows.size());
        for (LogRow r : rows) {
            e.longValue(r.id());
            e.string(r.side());
            e.string(r.kind());
            e.string(r.queryId());
            e.string(r.requestId());
            e.string(r.client());
            e.string(r.service());
            e.string(r.method());
            e.string(r.path());
            e.string(r.userId());
            e.string(r.issue());
            e.string(r.purpose());
            e.list(r.subjects());
            e.list(r.dataSubjects());
            e.status(r.status());
            e.instant(r.exchangedAt());
            e.instant(r.storedAt());
            e.string(r.signature());
            e.bytes(r.bodySha256());
            e.bytes(r.bodySealed());
            e.bytes(r.prevHash());
        }
        e.longValue(access == null ? -1 : access.index());
        if (access != null) {
            e.bytes(access.entry());
            e.list(access.subjects());
        }
        if (secret) {
            SealedEvents.Secret kept = access.secret();
            e.string(kept.eventId());
            e.string(kept.commitment());
            e.instant(kept.discloseAt());
            e.bytes(kept.sealed());
        }
        return e.copy();
    }

    /** @throws IllegalArgumentException when the bytes are not an entry of version 1 or 2 */
    static JournalEntry decode(byte[] bytes) {
        Decoder d = new Decoder(ByteBuffer.wrap(bytes));
        try {
            byte[] version = d.bytes();
            if (version == null || version.length != 1
                    || (version[0] != VERSION_1 && version[0] != VERSION_2)) {
                throw new IllegalArgumentException("unknown journal entry version");
            }
            long count = d.longValue();
            if (count < 0 || count > 2) {
                throw new IllegalArgumentException("a journal entry holds " + count + " rows; expected 0 to 2");
            }
            List<LogRow> rows = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                rows.add(new LogRow(d.longValue(), d.string(), d.string(), d.string(), d.string(), d.string(),
                        d.string(), d.string(), d.string(), d.string(), d.string(), d.string(), d.list(), d.list(),
                        d.status(), d.instant(), d.instant(), d.string(), d.bytes(), d.bytes(), d.bytes()));
            }
            long index = d.longValue();
            Access access = index < 0 ? null : new Access(index, d.bytes(), d.list());
            if (version[0] == VERSION_2) {
                if (access == null) {
                    throw new IllegalArgumentException(
                            "a version 2 entry without an access entry to keep a secret for");
                }
                access = new Access(access.index(), access.entry(), access.subjects(),
                        new SealedEvents.Secret(d.string(), d.string(), d.instant(), d.bytes()));
            }
            if (d.in.hasRemaining()) {
                throw new IllegalArgumentException(d.in.remaining() + " bytes after the end of the entry");
            }
            return new JournalEntry(rows, access);
        } catch (BufferUnderflowException | NullPointerException e) {
            throw new IllegalArgumentException("the journal entry ends early or has a missing field", e);
        }
    }

    /** Reads what {@link LogRow.Encoder} writes. */
    private record Decoder(ByteBuffer in) {

        byte[] bytes() {
            int length = in.getInt();
            if (length == -1) {
                return null;
            }
            if (length < 0 || length > in.remaining()) {
                throw new IllegalArgumentException("a field of " + length + " bytes where " + in.remaining()
                        + " remain");
            }
            byte[] value = new byte[length];
            in.get(value);
            return value;
        }

        String string() {
            byte[] value = bytes();
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }

        List<String> list() {
            long size = longValue();
            if (size < 0 || size > in.remaining()) {
                throw new IllegalArgumentException("a list of " + size + " values where " + in.remaining()
                        + " bytes remain");
            }
            List<String> values = new ArrayList<>((int) size);
            for (long i = 0; i < size; i++) {
                values.add(Objects.requireNonNull(string()));
            }
            return values;
        }

        Integer status() {
            boolean present = in.get() != 0;
            int value = in.getInt();
            return present ? value : null;
        }

        Instant instant() {
            return Instant.ofEpochSecond(longValue(), longValue());
        }

        long longValue() {
            return in.getLong();
        }
    }
}
