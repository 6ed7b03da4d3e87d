package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code xroad messagelog} commands' options and exit codes; archiving itself is tested in security-server. */
class MessageLogCommandTest {

    private final CliRunner cli = new CliRunner(Map.of());

    @TempDir
    Path dir;

    @Test
    void emptyArchive_verifiesWithExitZero() {
        CliRunner.Run run = cli.run("messagelog", "verify-archive", "--archive-dir", dir.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("archive OK: 0 files"), run.out());
    }

    @Test
    void missingFirstFile_exitsOneNamingIt() throws IOException {
        Files.writeString(dir.resolve("messagelog-000002.jsonl"), "{}\n");

        CliRunner.Run run = cli.run("messagelog", "verify-archive", "--archive-dir", dir.toString());

        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().contains("messagelog-000001.jsonl: the archive file is missing"), run.err());
    }

    @Test
    void truncatedFile_exitsOneNamingIt() throws IOException {
        Files.writeString(dir.resolve("messagelog-000001.jsonl"), "{\"type\":\"header\"");

        CliRunner.Run run = cli.run("messagelog", "verify-archive", "--archive-dir", dir.toString());

        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().contains("messagelog-000001.jsonl: the file is not complete"), run.err());
    }

    @Test
    void archiveWithoutServer_exitsOneSayingSo() {
        CliRunner.Run run = new CliRunner(Map.of(PinOptions.ENV, "123456")).run("messagelog", "archive",
                "--server-dir", dir.toString(), "--older-than", "30d");

        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().contains("no security server in"), run.err());
    }

    @Test
    void retentionAges_parseOrAreRefusedNamingTheOption() {
        assertEquals(Duration.ofDays(30), MessageLogCommand.age("30d"));
        assertEquals(Duration.ofHours(12), MessageLogCommand.age("12h"));
        assertEquals(Duration.ofDays(30), MessageLogCommand.age("P30D"));
        UserError zero = assertThrows(UserError.class, () -> MessageLogCommand.age("0d"));
        UserError bad = assertThrows(UserError.class, () -> MessageLogCommand.age("a month"));

        assertTrue(zero.getMessage().contains("--older-than is 0d"), zero.getMessage());
        assertTrue(bad.getMessage().contains("--older-than is a month"), bad.getMessage());
    }
}
