package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code xroad evidence}: the commands are registered and refuse what is not a bundle or an anchor with one line. */
class EvidenceCliTest {

    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner(Map.of());

    @Test
    void verifyWithAnIncompleteAnchor_exitsOneNamingTheMissingField() throws Exception {
        Path notBundle = Files.writeString(dir.resolve("bundle.json"), "{}");
        Path anchor = Files.writeString(dir.resolve("anchor.json"), "{}");

        CliRunner.Run run = cli.run("evidence", "verify", notBundle.toString(), "--anchor", anchor.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("error: ") && run.err().contains("has no field 'instance'"), run.err());
    }

    @Test
    void exportWithAnUnknownSide_exitsOneNamingTheAllowedSides() {
        CliRunner.Run run = cli.run("evidence", "export", "--server-dir", dir.toString(), "--query-id", "q-1",
                "--side", "both", "--out", dir.resolve("out.json").toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("expected consumer or provider"), run.err());
    }
}
