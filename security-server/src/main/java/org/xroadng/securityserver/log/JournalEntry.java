package org.xroadng.securityserver.log;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one journal entry holds (see {@link H2MessageLog}): the message-log rows of one exchange
 * (its request and its response, each sealed and hash-linked as stored) and, when the exchange
 * names data subjects, its access-log entry with the leaf index it was given; a refused attempt
 * has the access entry only. One entry, so one write and one device flush, keeps both logs of an
 * exchange; the H2 tables are filled from the same values, so replaying an entry after a crash
 * stores exactly what was acknowledged.
 *
 * <p>Encoding: a version byte, the row count, each row's columns in {@link RecordTable#COLUMNS}
 * order (as {@link LogRow.Encoder} writes them; the record hash is recomputed, not stored), then
 * a presence flag and the access entry's index, bytes and subjects.
 */
record JournalEntry(List<LogRow> rows, Access access) {

    private static final byte VERSION = 1;

    /** An access-log entry: leaf {@code index}, its bytes, and the subjects that index it. */
    record Access(long index, byte[] entry, List<String> subjects) {
        Access {
            Objects.requireNonNull(entry, "entry");
            subjects = List.copyOf(subjects);
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
        e.bytes(new byte[] {VERSION});
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
        return e.copy();
    }

    /** @throws IllegalArgumentException when the bytes are not an entry this version wrote */
    static JournalEntry decode(byte[] bytes) {
        Decoder d = new Decoder(ByteBuffer.wrap(bytes));
        try {
            byte[] version = d.bytes();
            if (version == null || version.length != 1 || version[0] != VERSION) {
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
