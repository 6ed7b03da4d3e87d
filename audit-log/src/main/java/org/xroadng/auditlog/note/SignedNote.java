package org.xroadng.auditlog.note;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A signed note (C2SP signed-note, "Format"): a text ending in a newline, a blank line, and one or
 * more signature lines. Parsing checks the form only; whose signatures verify is
 * {@link NoteVerifier}'s question. Immutable.
 *
 * <p>Guarantees after {@link #parse}: the note was valid UTF-8 without ASCII control characters
 * other than newline, the text is everything up to the last blank line (so the text may itself hold
 * blank lines), there are 1 to {@link #MAX_SIGNATURES} signatures, and {@link #format()} gives back
 * the bytes parsed.
 */
public final class SignedNote {

    /** The most signatures accepted; the specification asks verifiers to accept at least 16. */
    public static final int MAX_SIGNATURES = 100;
    /** The largest note accepted, in bytes: a checkpoint with 100 cosignatures fits many times. */
    public static final int MAX_BYTES = 64 * 1024;

    private final String text;
    private final List<NoteSignature> signatures;

    /** A note of {@code text} (non-empty, ending in a newline) and at least one signature. */
    public SignedNote(String text, List<NoteSignature> signatures) throws NoteFormatException {
        this.text = requireText(text);
        this.signatures = List.copyOf(Objects.requireNonNull(signatures, "signatures"));
        if (this.signatures.isEmpty()) {
            throw new NoteFormatException("signed note: expected at least one signature line; actual none");
        }
        if (this.signatures.size() > MAX_SIGNATURES) {
            throw new NoteFormatException("signed note: expected at most " + MAX_SIGNATURES + " signatures; actual "
                    + this.signatures.size());
        }
    }

    /** Parses a note from its bytes, refusing what is not strict UTF-8. */
    public static SignedNote parse(byte[] bytes) throws NoteFormatException {
        if (bytes.length > MAX_BYTES) {
            throw new NoteFormatException("signed note: expected at most " + MAX_BYTES + " bytes; actual "
                    + bytes.length);
        }
        return parse(strictUtf8(bytes, "signed note"));
    }

    /** Parses a note. */
    public static SignedNote parse(String note) throws NoteFormatException {
        requireNoControls(note, "signed note");
        if (!note.endsWith("\n")) {
            throw new NoteFormatException("signed note: expected the last signature line to end in a newline;"
                    + " actual no final newline");
        }
        int blank = note.lastIndexOf("\n\n");
        if (blank < 0) {
            throw new NoteFormatException("signed note: expected a text, a blank line and signature lines; actual no"
                    + " blank line");
        }
        String text = note.substring(0, blank + 1);
        String block = note.substring(blank + 2);
        if (block.isEmpty()) {
            throw new NoteFormatException("signed note: expected at least one signature line after the blank line;"
                    + " actual none");
        }
        List<NoteSignature> signatures = new ArrayList<>();
        for (String line : block.substring(0, block.length() - 1).split("\n", -1)) {
            if (signatures.size() == MAX_SIGNATURES) {
                throw new NoteFormatException("signed note: expected at most " + MAX_SIGNATURES
                        + " signatures; actual more");
            }
            signatures.add(NoteSignature.parseLine(line));
        }
        return new SignedNote(text, signatures);
    }

    /** The signed text, including its final newline but not the blank line. */
    public String text() {
        return text;
    }

    public List<NoteSignature> signatures() {
        return signatures;
    }

    /** This note with {@code more} signature lines appended (a witness's cosignatures, say). */
    public SignedNote withSignatures(List<NoteSignature> more) throws NoteFormatException {
        List<NoteSignature> all = new ArrayList<>(signatures);
        all.addAll(more);
        return new SignedNote(text, all);
    }

    /** The note: text, blank line, one line per signature. */
    public String format() {
        StringBuilder out = new StringBuilder(text).append('\n');
        for (NoteSignature signature : signatures) {
            out.append(signature.line());
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedNote other && text.equals(other.text) && signatures.equals(other.signatures);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return format();
    }

    static String requireText(String text) throws NoteFormatException {
        if (text == null || text.isEmpty() || !text.endsWith("\n")) {
            throw new NoteFormatException("note text: expected text ending in a newline; actual "
                    + (text == null || text.isEmpty() ? "none" : "no final newline"));
        }
        requireNoControls(text, "note text");
        return text;
    }

    static void requireNoControls(String text, String what) throws NoteFormatException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new NoteFormatException(what + ": expected no control characters but newline; actual U+"
                        + String.format("%04X", (int) c) + " at character " + i);
            }
        }
    }

    static String strictUtf8(byte[] bytes, String what) throws NoteFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new NoteFormatException(what + ": expected valid UTF-8; actual " + e.getMessage(), e);
        }
    }
}
