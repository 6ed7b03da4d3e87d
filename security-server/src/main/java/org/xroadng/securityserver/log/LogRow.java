package org.xroadng.securityserver.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.xroadng.protocol.crypto.Digests;

/**
 * One stored message as its columns, and the two canonical encodings over them: the bytes the
 * record hash covers and the associated data that binds the sealed body to its row.
 *
 * <p>Canonical bytes ({@link RecordFields#canonicalBytes()}): a domain label, then every field in a fixed order; strings and byte arrays
 * as a 4-byte length (-1 for null) and the bytes (UTF-8), lists as a count and their strings,
 * instants as epoch seconds and nanoseconds, the status as a presence byte and an int. The sealed
 * body enters by its SHA-256, so the chain commits to plaintext digest and ciphertext alike.
 */
public record LogRow(long id, String side, String kind, String queryId, String requestId, String client, String service,
                     String method, String path, String userId, String issue, String purpose, List<String> subjects,
                     List<String> dataSubjects, Integer status, Instant exchangedAt, Instant storedAt, String signature,
                     byte[] bodySha256, byte[] bodySealed, byte[] prevHash) {

    static final String REQUEST = "request";
    static final String RESPONSE = "response";
    static final byte[] GENESIS = new byte[32];

    private static final String AAD_DOMAIN = "xroadng/messagelog/body/v1";

    /** SHA-256(prevHash || canonical bytes), as {@link RecordFields#recordHash()} computes it. */
    public byte[] recordHash() {
        return fields().recordHash();
    }

    /** {@link #recordHash()}, given {@link #utf8} of the signature. */
    byte[] recordHash(byte[] signatureUtf8) {
        return fields().recordHash(signatureUtf8);
    }

    /** The UTF-8 of {@code text}, or null for null: a signature's bytes, as the encodings hold them. */
    static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** The fields the record hash covers, the sealed body by its SHA-256. */
    RecordFields fields() {
        return new RecordFields(id, side, kind, queryId, requestId, client, service, method, path, userId, issue,
                purpose, subjects, dataSubjects, status, exchangedAt, storedAt, signature, bodySha256,
                sha256().digest(bodySealed), prevHash);
    }

    /** The associated data for the body's AES-GCM: the row's identity and what it is about. */
    static byte[] associatedData(long id, String side, String kind, String queryId, String requestId) {
        Encoder e = Encoder.scratch();
        e.string(AAD_DOMAIN);
        e.longValue(id);
        e.string(side);
        e.string(kind);
        e.string(queryId);
        e.string(requestId);
        return e.copy();
    }

    byte[] associatedData() {
        return associatedData(id, side, kind, queryId, requestId);
    }

    public static MessageDigest sha256() {
        return Digests.sha256();
    }

    /** The hash the first record links to: 32 zero bytes (a copy, for the archive's chains). */
    public static byte[] genesis() {
        return GENESIS.clone();
    }

    /** The canonical encoding described in the class comment. */
    static final class Encoder {
        /** What a thread's scratch encoder starts with, and the most it keeps between uses. */
        private static final int SCRATCH_BYTES = 16 * 1024;
        private static final int SCRATCH_KEPT_BYTES = 256 * 1024;
        private static final ThreadLocal<Encoder> SCRATCH = ThreadLocal.withInitial(() -> new Encoder(SCRATCH_BYTES));

        private byte[] buffer;
        private int size;

        /**
         * This thread's encoder, emptied, for an encoding that is digested or copied out
         * ({@link #copy}) before the thread asks again: the log writer encodes every record twice
         * (its hash, its journal entry), and a new buffer each time, then a copy, was an eighth of
         * what the exchange path allocates. A buffer grown past 256 KiB by a large body is not kept.
         */
        static Encoder scratch() {
            Encoder e = SCRATCH.get();
            if (e.buffer.length > SCRATCH_KEPT_BYTES) {
                e = new Encoder(SCRATCH_BYTES);
                SCRATCH.set(e);
            }
            e.size = 0;
            return e;
        }

        /** Into a buffer of {@code capacity} bytes to start with (it grows when more come). */
        Encoder(int capacity) {
            buffer = new byte[Math.max(16, capacity)];
        }

        void string(String value) {
            if (value == null) {
                intValue(-1);
                return;
            }
            // The JDK encodes a Latin-1 string with vectorised intrinsics (a check for non-ASCII
            // bytes, then a copy); a char-by-char ASCII check here had cost a fifth of the writer.
            bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(byte[] value) {
            if (value == null) {
                intValue(-1);
                return;
            }
            intValue(value.length);
            ensure(value.length);
            System.arraycopy(value, 0, buffer, size, value.length);
            size += value.length;
        }

        /** As {@link #bytes}, for the bytes of {@code value} from index {@code from} on. */
        void bytesFrom(byte[] value, int from) {
            int length = value.length - from;
            intValue(length);
            ensure(length);
            System.arraycopy(value, from, buffer, size, length);
            size += length;
        }

        void list(List<String> values) {
            longValue(values.size());
            values.forEach(this::string);
        }

        void status(Integer value) {
            ensure(1);
            buffer[size++] = (byte) (value != null ? 1 : 0);
            intValue(value == null ? 0 : value);
        }

        void instant(Instant value) {
            longValue(value.getEpochSecond());
            longValue(value.getNano());
        }

        void longValue(long value) {
            intValue((int) (value >>> 32));
            intValue((int) value);
        }

        private void intValue(int value) {
            ensure(4);
            buffer[size] = (byte) (value >>> 24);
            buffer[size + 1] = (byte) (value >>> 16);
            buffer[size + 2] = (byte) (value >>> 8);
            buffer[size + 3] = (byte) value;
            size += 4;
        }

        private void ensure(int more) {
            if (buffer.length - size < more) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        /** Adds what was encoded to {@code digest}, without copying it. */
        void digestInto(MessageDigest digest) {
            digest.update(buffer, 0, size);
        }

        /** What was encoded, in a new array (the buffer of a {@link #scratch} encoder is used again). */
        byte[] copy() {
            return Arrays.copyOf(buffer, size);
        }
    }
}
