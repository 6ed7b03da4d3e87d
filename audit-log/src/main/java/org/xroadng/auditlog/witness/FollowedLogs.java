package org.xroadng.auditlog.witness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.protocol.config.ConfigException;

/**
 * A fixed list of followed logs, such as a witness's own logs file. The file has one log per line:
 * {@code <verifier key> [<origin>]}, the origin defaulting to the key's name (tlog-checkpoint: the
 * log's key name SHOULD match the origin); a log with several keys takes several lines; blank lines
 * and lines starting with {@code #} are ignored. Immutable.
 */
public final class FollowedLogs implements LogDirectory {

    private final Map<String, FollowedLog> logs;

    public FollowedLogs(List<FollowedLog> logs) {
        Map<String, FollowedLog> byOrigin = new LinkedHashMap<>();
        for (FollowedLog log : logs) {
            byOrigin.merge(log.origin(), log, (a, b) -> {
                List<NoteVerifierKey> keys = new ArrayList<>(a.keys());
                keys.addAll(b.keys());
                return new FollowedLog(a.origin(), keys);
            });
        }
        this.logs = Map.copyOf(byOrigin);
    }

    /** Reads a logs file, refusing a malformed line with its number, the text and what is expected. */
    public static FollowedLogs load(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("logs file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("logs file " + file + " cannot be read: " + e.getMessage(), e);
        }
        List<FollowedLog> logs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.indexOf(' ');
            String keyText = space < 0 ? line : line.substring(0, space);
            try {
                NoteVerifierKey key = NoteVerifierKey.parse(keyText);
                String origin = space < 0 ? key.name() : line.substring(space + 1).strip();
                logs.add(new FollowedLog(origin, List.of(key)));
            } catch (NoteFormatException | IllegalArgumentException e) {
                throw new ConfigException(file + " line " + (i + 1) + ": expected '<verifier key> [<origin>]' with an"
                        + " Ed25519 note verifier key (name+keyid+base64); " + e.getMessage());
            }
        }
        return new FollowedLogs(logs);
    }

    @Override
    public Optional<FollowedLog> find(String origin) {
        return Optional.ofNullable(logs.get(origin));
    }

    /** Every followed log. */
    public List<FollowedLog> all() {
        return List.copyOf(logs.values());
    }
}
