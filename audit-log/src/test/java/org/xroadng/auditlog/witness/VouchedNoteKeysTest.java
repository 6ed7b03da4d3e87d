package org.xroadng.auditlog.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.access.AccessLogOrigin;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteSigner;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.id.SecurityServerId;

/** Which logs a witness follows from the checkpoints the registry accepted. */
class VouchedNoteKeysTest {

    private static final SecurityServerId SS1 = SecurityServerId.parse("DEMO/GOV/1001/ss1");
    private static final SecurityServerId SS2 = SecurityServerId.parse("DEMO/GOV/1002/ss1");

    private final Map<SecurityServerId, String> accepted = new HashMap<>();
    private final VouchedNoteKeys logs = new VouchedNoteKeys(server -> Optional.ofNullable(accepted.get(server)));

    @Test
    void serverWhoseAcceptedCheckpointNamesANoteKey_isFollowedWithThatKey() throws NoteFormatException {
        NoteSigner key = NoteSigner.generate(AccessLogOrigin.of(SS1), new SecureRandom());
        accepted.put(SS1, jws(new Checkpoint(SS1, 3, new byte[32], Instant.EPOCH, key.verifierKey().format())));

        FollowedLog log = logs.find("DEMO/GOV/1001/ss1/access-log").orElseThrow();
        assertEquals(List.of(key.verifierKey()), log.keys());
    }

    @Test
    void noCheckpointNoKeyOrNoAccessLogOrigin_isNotFollowed() {
        accepted.put(SS2, jws(new Checkpoint(SS2, 3, new byte[32], Instant.EPOCH)));
        assertTrue(logs.find("DEMO/GOV/1002/ss1/access-log").isEmpty(), "a checkpoint naming no note key");
        assertTrue(logs.find("DEMO/GOV/1001/ss1/access-log").isEmpty(), "no checkpoint accepted");
        assertTrue(logs.find("example.com/log").isEmpty(), "not a security server's access log");
        accepted.put(SS1, "not a JWS");
        assertTrue(logs.find("DEMO/GOV/1001/ss1/access-log").isEmpty(), "an unreadable checkpoint");
    }

    @Test
    void either_prefersTheFirstDirectory() throws NoteFormatException {
        NoteSigner own = NoteSigner.generate(AccessLogOrigin.of(SS1), new SecureRandom());
        NoteSigner vouched = NoteSigner.generate(AccessLogOrigin.of(SS1), new SecureRandom());
        accepted.put(SS1, jws(new Checkpoint(SS1, 3, new byte[32], Instant.EPOCH, vouched.verifierKey().format())));
        LogDirectory both = VouchedNoteKeys.either(new FollowedLogs(List.of(new FollowedLog(AccessLogOrigin.of(SS1),
                List.of(own.verifierKey())))), logs);
        assertEquals(List.of(own.verifierKey()), both.find(AccessLogOrigin.of(SS1)).orElseThrow().keys());
        assertEquals(Optional.empty(), both.find(AccessLogOrigin.of(SS2)));
    }

    /** The checkpoint as a compact JWS whose signature part is not checked here (the registry checked it). */
    private static String jws(Checkpoint checkpoint) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(CheckpointCodec.payload(checkpoint)) + "." + b64.encodeToString(new byte[64]);
    }
}
