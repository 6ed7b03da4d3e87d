package org.xroadng.securityserver.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xroadng.securityserver.log.journal.Journal;

/**
 * Encodes the entries of one journal append so that what their signatures have in common is
 * written once: a signature that begins like one written whole earlier in the append (its
 * signer's protected header, with the certificate and the OCSP response in it) refers back to
 * that one for the common beginning ({@link JournalEntry.PrefixRef}). An append lands in one
 * segment, its frames one after another ({@link Journal#frameBytes}), so the distance back is
 * known while encoding, and a reference never leaves its segment, nor the group commit that makes
 * it durable together with what it refers to.
 *
 * <p>Of the 10 to 12 KB a logged exchange took in the journal under load, about 9 KB were its two
 * batch signatures, nearly all of it their signers' certificates and OCSP responses; the journal's
 * bytes are copied, checksummed, written, flushed and zeroed ahead once each, so they are worth
 * keeping few.
 */
final class JournalGroup {

    /** Signatures shorter than this are written whole. */
    private static final int SHARED_MIN_BYTES = 512;
    /** A common beginning shorter than this is not referred to: a reference takes 24 bytes and a read. */
    private static final int PREFIX_MIN_BYTES = 256;
    /** Signatures written whole that later ones are compared with: one or two signers per server, and a margin. */
    private static final int CANDIDATES = 8;

    /** A signature written whole: where its entry's frame starts within the append, its row, its bytes. */
    private record Whole(long frameAt, int row, byte[] signature) {
    }

    private final List<Whole> wholes = new ArrayList<>(CANDIDATES);
    /** The current entry's whole signatures, candidates from the next entry on. */
    private final List<Whole> pendingWholes = new ArrayList<>(2);
    private long frameAt;

    /** The bytes of {@code entry}, the next entry of this append. */
    byte[] encode(JournalEntry entry) {
        return encode(entry, JournalEntry.signaturesOf(entry.rows()));
    }

    /** {@link #encode(JournalEntry)}, given each row's signature as UTF-8 ({@link LogRow#utf8}). */
    byte[] encode(JournalEntry entry, List<byte[]> signatures) {
        List<LogRow> rows = entry.rows();
        JournalEntry.PrefixRef[] refs = null;
        for (int i = 0; i < rows.size(); i++) {
            byte[] signature = signatures.get(i);
            if (signature == null || signature.length < SHARED_MIN_BYTES) {
                continue;
            }
            Whole best = null;
            int bestPrefix = 0;
            for (Whole whole : wholes) {
                int common = commonPrefix(signature, whole.signature());
                if (common > bestPrefix) {
                    best = whole;
                    bestPrefix = common;
                }
            }
            if (best != null && bestPrefix >= PREFIX_MIN_BYTES) {
                if (refs == null) {
                    refs = new JournalEntry.PrefixRef[rows.size()];
                }
                refs[i] = new JournalEntry.PrefixRef(frameAt - best.frameAt(), best.row(), bestPrefix);
            } else if (wholes.size() < CANDIDATES) {
                pendingWholes.add(new Whole(frameAt, i, signature));
            }
        }
        byte[] payload = entry.encode(refs, signatures);
        // Referred to from the next entries on only: an entry never refers to itself.
        wholes.addAll(pendingWholes);
        pendingWholes.clear();
        frameAt += Journal.frameBytes(payload.length);
        return payload;
    }

    private static int commonPrefix(byte[] a, byte[] b) {
        int mismatch = Arrays.mismatch(a, b);
        return mismatch < 0 ? a.length : mismatch;
    }
}
