package org.xroadng.auditlog.note;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The text of a transparency log checkpoint (C2SP tlog-checkpoint, "Note text"): the origin line,
 * the tree size in decimal without leading zeroes, the base64 RFC 6962 root hash, and optional
 * extension lines, each ending in a newline. Immutable; {@link #parse} and {@link #text} are exact
 * inverses.
 */
public final class Checkpoint {

    private final String origin;
    private final long size;
    private final byte[] rootHash;
    private final List<String> extensions;

    public Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) throws NoteFormatException {
        if (origin == null || origin.isEmpty()) {
            throw new NoteFormatException("checkpoint origin: expected a non-empty first line; actual an empty one");
        }
        if (origin.indexOf('\n') >= 0) {
            throw new NoteFormatException("checkpoint origin: expected one line; actual text with a newline");
        }
        SignedNote.requireNoControls(origin, "checkpoint origin");
        this.origin = origin;
        if (size < 0) {
            throw new NoteFormatException("checkpoint size: expected 0 or more; actual " + size);
        }
        this.size = size;
        if (rootHash == null || rootHash.length != 32) {
            throw new NoteFormatException("checkpoint root hash: expected 32 bytes (SHA-256); actual "
                    + (rootHash == null ? "none" : rootHash.length + " bytes"));
        }
        this.rootHash = rootHash.clone();
        this.extensions = List.copyOf(extensions);
        for (String line : this.extensions) {
            if (line.isEmpty() || line.indexOf('\n') >= 0) {
                throw new NoteFormatException("checkpoint extension line: expected a non-empty single line; actual '"
                        + NoteNames.printable(line) + "'");
            }
            SignedNote.requireNoControls(line, "checkpoint extension line");
        }
    }

    public Checkpoint(String origin, long size, byte[] rootHash) throws NoteFormatException {
        this(origin, size, rootHash, List.of());
    }

    /** Parses a note text (ending in a newline) as a checkpoint. */
    public static Checkpoint parse(String text) throws NoteFormatException {
        SignedNote.requireText(text);
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new NoteFormatException("checkpoint: expected at least three lines (origin, size, root hash);"
                    + " actual " + lines.length);
        }
        String sizeText = lines[1];
        if (!sizeText.matches("0|[1-9][0-9]{0,18}")) {
            throw new NoteFormatException("checkpoint size: expected a decimal number without leading zeroes;"
                    + " actual '" + NoteNames.printable(sizeText) + "'");
        }
        long size;
        try {
            size = Long.parseLong(sizeText);
        } catch (NumberFormatException e) {
            throw new NoteFormatException("checkpoint size: expected at most " + Long.MAX_VALUE + "; actual "
                    + sizeText, e);
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new NoteFormatException("checkpoint root hash: expected standard base64 (RFC 4648 section 4);"
                    + " actual '" + NoteNames.printable(lines[2]) + "'", e);
        }
        Checkpoint checkpoint = new Checkpoint(lines[0], size, root, Arrays.asList(lines).subList(3, lines.length));
        if (!checkpoint.text().equals(text)) {
            throw new NoteFormatException("checkpoint: expected canonical base64 of the root hash; actual '"
                    + NoteNames.printable(lines[2]) + "'");
        }
        return checkpoint;
    }

    public String origin() {
        return origin;
    }

    public long size() {
        return size;
    }

    public byte[] rootHash() {
        return rootHash.clone();
    }

    public List<String> extensions() {
        return extensions;
    }

    /** The note text: origin, size, base64 root and extension lines, each ending in a newline. */
    public String text() {
        StringBuilder out = new StringBuilder(origin).append('\n').append(size).append('\n')
                .append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
        for (String line : extensions) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** Whether {@code other} states the same origin, size and root (extension lines aside). */
    public boolean sameTreeAs(Checkpoint other) {
        return origin.equals(other.origin) && size == other.size && Arrays.equals(rootHash, other.rootHash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint other && sameTreeAs(other) && extensions.equals(other.extensions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, size);
    }

    @Override
    public String toString() {
        return origin + " @ " + size + " " + Base64.getEncoder().encodeToString(rootHash);
    }
}
