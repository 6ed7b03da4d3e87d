package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark commands' options, refused before anything starts when they are wrong. */
class BenchCommandTest {

    private final CliRunner cli = new CliRunner(Map.of());

    @Test
    void exchangeDurability_unknownValue_refusedWithTheAllowedOnes() {
        CliRunner.Run run = cli.run("bench", "exchange", "--durability", "sometimes");

        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("'sometimes'; expected fsync, commit or async"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void exchangeHelp_namesTheDurabilityOption() {
        CliRunner.Run run = cli.run("bench", "exchange", "--help");

        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("--durability"), run.out());
    }

    @Test
    void accessLogOutOfRange_refusedInOneLine() {
        CliRunner.Run run = cli.run("bench", "accesslog", "--events", "0");

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("error: --events must be 1..100000000"), run.err());
    }
}
