package org.xroadng.auditlog.witness;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.note.Checkpoint;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteSigner;
import org.xroadng.protocol.testing.FreePorts;

/** The tlog-witness client's failures say what went wrong, for operators reading a server's witness status. */
class TlogWitnessClientTest {

    @Test
    void witnessNotListening_failureNamesTheWitnessAndTheRefusedConnection()
            throws NoSuchAlgorithmException, NoteFormatException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(5);
        NoteSigner log = NoteSigner.generate("example.org/log", random);
        AddCheckpointRequest request = new AddCheckpointRequest(0, List.of(),
                log.signNote(new Checkpoint("example.org/log", 1, new byte[32]).text()));
        URI gone = URI.create("http://127.0.0.1:" + FreePorts.one());
        TlogWitnessClient client = new TlogWitnessClient("university.example/witness", gone, null,
                HttpClient.newHttpClient(), Duration.ofSeconds(2));

        TlogWitnessClient.CallException e = assertThrows(TlogWitnessClient.CallException.class,
                () -> client.addCheckpoint(request));

        assertTrue(e.getMessage().startsWith("witness university.example/witness at " + gone + " cannot be reached: "),
                e.getMessage());
        assertFalse(e.getMessage().endsWith("null"), e.getMessage());
    }
}
