package org.xroadng.securityserver.log;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 * disclosure date and sealed bytes.
 *
 * <p>Version 3 keeps what the signatures of one append have in common once ({@link JournalGroup}):
 * a signature begins with its signer's protected header, which carries the signer's
 * certificate and OCSP response (about 3 KB of a 3.5 KB compact JWS, and the start of the
 * base64 of a batch signature's JSON), the same in every message a server signs until its OCSP
 * response is renewed. After the version comes a byte (1: a secret follows the subjects, as in
 * version 2), then the rows as in version 1 except each signature: -1 and the signature whole, or
 * the distance in bytes back from this entry's frame to an earlier entry's frame in the same
 * segment, the row there, how many bytes of that row's signature (UTF-8) this one begins with,
 * and the bytes after them. The reader puts the signature together again byte for byte
 * ({@link PrefixSource}), so the record hashes are those of the rows as written. All three
 * versions are read.
 */
record JournalEntry(List<LogRow> rows, Access access) {

    /** Entries without a secret: every entry earlier releases wrote. */
    static final byte VERSION_1 = 1;
    /** Entries whose access entry is a restricted event's stub, its secret after the subjects. */
    static final byte VERSION_2 = 2;
    /** Entries whose signatures may begin like an earlier entry's. */
    static final byte VERSION_3 = 3;

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

    /**
     * A row's signature that begins with the first {@code prefixBytes} bytes (UTF-8) of the
     * signature of row {@code row} of the entry whose frame starts {@code backBytes} before this
     * entry's, in the same segment.
     */
    record PrefixRef(long backBytes, int row, int prefixBytes) {
        PrefixRef {
            if (backBytes <= 0 || row < 0 || row > 1 || prefixBytes <= 0) {
                throw new IllegalArgumentException("a signature prefix reference points back at least one byte, to row"
                        + " 0 or 1, for at least one byte; was " + backBytes + ", " + row + ", " + prefixBytes);
            }
        }
    }

    /** Where a version 3 entry's referenced signature prefixes are read. */
    @FunctionalInterface
    interface PrefixSource {
        /**
         * The signature of row {@code ref.row()} of the entry {@code ref.backBytes()} before the
         * one being read, in UTF-8 (at least {@code ref.prefixBytes()} bytes of it).
         *
         * @throws IllegalArgumentException when there is no such entry or row
         */
        byte[] signature(PrefixRef ref);
    }

    /** For entries read where no earlier entry can be: a reference is refused. */
    static final PrefixSource NO_PREFIXES = ref -> {
        throw new IllegalArgumentException("the entry refers to a signature " + ref.backBytes()
                + " bytes before it, which cannot be read here");
    };

    JournalEntry {
        rows = List.copyOf(rows);
        if (rows.isEmpty() && access == null) {
            throw new IllegalArgumentException("a journal entry holds rows, an access entry or both");
        }
    }

    byte[] encode() {
        return encode(null, signaturesOf(rows));
    }

    /** Each row's signature as UTF-8 ({@link LogRow#utf8}), in the rows' order. */
    static List<byte[]> signaturesOf(List<LogRow> rows) {
        List<byte[]> signatures = new ArrayList<>(rows.size());
        for (LogRow row : rows) {
            signatures.add(LogRow.utf8(row.signature()));
        }
        return signatures;
    }

    /**
     * The entry's bytes; {@code refs}, when not null, holds for each row the earlier row whose
     * signature its own begins like (null: the signature is written whole); {@code signatures}
     * holds each row's signature as UTF-8, which the caller has at hand already.
     */
    byte[] encode(PrefixRef[] refs, List<byte[]> signatures) {
        LogRow.Encoder e = LogRow.Encoder.scratch();
        boolean secret = access != null && access.secret() != null;
        boolean shared = refs != null && Arrays.stream(refs).anyMatch(Objects::nonNull);
        e.bytes(new byte[] {shared ? VERSION_3 : secret ? VERSION_2 : VERSION_1});
        if (shared) {
            e.bytes(new byte[] {(byte) (secret ? 1 : 0)});
        }
        e.longValue(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            LogRow r = rows.get(i);
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
            // e.bytes of the UTF-8 is e.string of the text: a length (-1 for null), then the bytes
            if (!shared) {
                e.bytes(signatures.get(i));
            } else if (refs[i] == null) {
                e.longValue(-1);
                e.bytes(signatures.get(i));
            } else {
                e.longValue(refs[i].backBytes());
                e.longValue(refs[i].row());
                e.longValue(refs[i].prefixBytes());
                e.bytesFrom(signatures.get(i), refs[i].prefixBytes());
            }
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

    /**
     * An entry that refers to no earlier one (versions 1 and 2, and version 3 without references).
     *
     * @throws IllegalArgumentException when the bytes are not such an entry
     */
    static JournalEntry decode(byte[] bytes) {
        return decode(bytes, NO_PREFIXES);
    }

    /**
     * An entry of any version, the signature prefixes it shares with earlier entries read from {@code prefixes}.
     *
     * @throws IllegalArgumentException when the bytes are not an entry, or a signature it refers to cannot be read
     */
    static JournalEntry decode(byte[] bytes, PrefixSource prefixes) {
        Decoder d = new Decoder(ByteBuffer.wrap(bytes));
        try {
            byte[] version = d.bytes();
            if (version == null || version.length != 1
                    || (version[0] != VERSION_1 && version[0] != VERSION_2 && version[0] != VERSION_3)) {
                throw new IllegalArgumentException("unknown journal entry version");
            }
            boolean shared = version[0] == VERSION_3;
            boolean secret = version[0] == VERSION_2;
            if (shared) {
                byte[] flags = d.bytes();
                if (flags == null || flags.length != 1 || (flags[0] != 0 && flags[0] != 1)) {
                    throw new IllegalArgumentException("a version 3 entry's secret flag is neither 0 nor 1");
                }
                secret = flags[0] == 1;
            }
            long count = d.longValue();
            if (count < 0 || count > 2) {
                throw new IllegalArgumentException("a journal entry holds " + count + " rows; expected 0 to 2");
            }
            List<LogRow> rows = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                long id = d.longValue();
                String side = d.string();
                String kind = d.string();
                String queryId = d.string();
                String requestId = d.string();
                String client = d.string();
                String service = d.string();
                String method = d.string();
                String path = d.string();
                String userId = d.string();
                String issue = d.string();
                String purpose = d.string();
                List<String> subjects = d.list();
                List<String> dataSubjects = d.list();
                Integer status = d.status();
                Instant exchangedAt = d.instant();
                Instant storedAt = d.instant();
                String signature = shared ? d.signature(prefixes) : d.string();
                rows.add(new LogRow(id, side, kind, queryId, requestId, client, service, method, path, userId, issue,
                        purpose, subjects, dataSubjects, status, exchangedAt, storedAt, signature, d.bytes(),
                        d.bytes(), d.bytes()));
            }
            long index = d.longValue();
            Access access = index < 0 ? null : new Access(index, d.bytes(), d.list());
            if (secret) {
                if (access == null) {
                    throw new IllegalArgumentException(
                            "an entry with a secret but without an access entry to keep it for");
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

        /** No signature is longer than a journal entry may be. */
        private static final long MAX_PAYLOAD_BYTES = 64L * 1024 * 1024;

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

        /** A version 3 signature: whole, or a prefix of an earlier row's and the rest. */
        String signature(PrefixSource prefixes) {
            long back = longValue();
            if (back == -1) {
                return string();
            }
            long row = longValue();
            long prefix = longValue();
            if (back <= 0 || row < 0 || row > 1 || prefix <= 0 || prefix > MAX_PAYLOAD_BYTES) {
                throw new IllegalArgumentException("a signature prefix reference " + back + " bytes back to row " + row
                        + " for " + prefix + " bytes; expected a positive distance, row 0 or 1 and a positive length");
            }
            byte[] rest = Objects.requireNonNull(bytes());
            byte[] earlier = prefixes.signature(new PrefixRef(back, (int) row, (int) prefix));
            if (earlier.length < prefix) {
                throw new IllegalArgumentException("the signature " + back + " bytes back has " + earlier.length
                        + " bytes, fewer than the " + prefix + " this one begins with");
            }
            byte[] whole = Arrays.copyOf(earlier, (int) prefix + rest.length);
            System.arraycopy(rest, 0, whole, (int) prefix, rest.length);
            return new String(whole, StandardCharsets.UTF_8);
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
