package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
    void exchangeHelp_explainsTheCeilingAndTheCpuTable() {
        CliRunner.Run run = cli.run("bench", "exchange", "--help");

        assertEquals(0, run.exitCode());
        String text = run.out().replaceAll("\\s+", " ");
        for (String words : new String[] {"cores / (2 signs + 2 verifications)", "share of it", "JVM (GC, JIT, other)",
                "no coordinated omission"}) {
            assertTrue(text.contains(words), words + " in:\n" + run.out());
        }
    }

    @Test
    void exchangeShortRun_printsTheCeilingItsShareAndWhereTheCpuWent() {
        CliRunner.Run run = cli.run("bench", "exchange", "-c", "4", "-d", "1", "--warmup", "0", "--no-message-log");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("ES256 \\(BC, 1 thread, CPU time\\): sign [0-9.]+ µs,"
                + " verify [0-9.]+ µs")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("ceiling: \\d+ cores / \\(2 signs \\+ 2 verifications = \\d+"
                + " µs per exchange\\) = [0-9,]+ exchanges/s .*")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("PATH") && l.contains("OF CEILING")
                && l.contains("CORES USED")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("consumer SS -> provider SS -> IS, logs off\\s+[0-9,]+"
                + "\\s+[0-9.]+%\\s+0\\s+.* of \\d+")), "share of the ceiling, no errors, cores used:\n" + run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("straight to the IS\\s+[0-9,]+\\s+-\\s+0\\s+.*")), run.out());
        assertFalse(run.out().contains("logs on"), "--no-message-log: only the run without logs\n" + run.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("THREADS") && l.contains("LOGS OFF % CPU")
                && l.contains("IS ONLY % CPU")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("proxy-io\\s+[0-9.]+%\\s+[0-9,]+\\s+.*")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("bench-load\\s+.*")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("JVM \\(GC, JIT, other\\)\\s+[0-9.]+%.*")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("process\\s+100\\.0%\\s+[0-9,]+\\s+100\\.0%\\s+[0-9,]+")),
                run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("logs off: [0-9,]+ CPU µs per exchange, of which its 4 ECDSA"
                + " operations \\d+ µs \\([0-9.]+%\\)")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("batch signatures while measuring: logs off [0-9.]+ messages"
                + " per signature \\([0-9,]+ signatures\\)")), run.out());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void exchangeTwoProviderServers_shortRunWithoutErrors() {
        CliRunner.Run run = cli.run("bench", "exchange", "-c", "4", "-d", "1", "--warmup", "0", "--no-message-log",
                "--provider-servers", "2");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("2 provider servers"), run.out());
        for (String server : new String[] {"DEMO/GOV/1002/ss1", "DEMO/GOV/1001/ss1", "DEMO/GOV/1001/ss2"}) {
            assertTrue(run.out().lines().anyMatch(l -> l.matches(server + "\\s+[0-9,]+\\s+.*")),
                    "CPU per request of " + server + ":\n" + run.out());
        }
        assertTrue(run.out().lines().anyMatch(l -> l.matches("consumer SS -> 2 provider SS -> IS, logs off\\s+[0-9,]+"
                + "\\s+[0-9.]+%\\s+0\\s+.*")), "no errors over two provider servers:\n" + run.out());
    }

    @Test
    void exchangeProviderServersOutOfRange_refused() {
        CliRunner.Run run = cli.run("bench", "exchange", "--provider-servers", "5");

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("--provider-servers 1..4"), run.err());
    }

    @Test
    void exchangeSubjectsOutOfRange_refused() {
        CliRunner.Run run = cli.run("bench", "exchange", "--subjects", "0");

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("--subjects 1..200000000"), run.err());
    }

    @Test
    void accessLogOutOfRange_refusedInOneLine() {
        CliRunner.Run run = cli.run("bench", "accesslog", "--events", "0");

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("error: --events must be 1..100000000"), run.err());
    }

    @Test
    void soakMinutesZero_refusedInOneLineNamingTheAllowedRange() {
        CliRunner.Run run = cli.run("bench", "soak", "--minutes", "0");

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("error: --minutes must be more than 0 and at most 1440"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
        assertTrue(run.out().isEmpty(), "nothing started: " + run.out());
    }

    @Test
    void soakNegativeRate_refusedInOneLine() {
        CliRunner.Run run = cli.run("bench", "soak", "--rate", "-5");

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("--rate more than 0 and at most 10000") && run.err().contains("--rate -5.0"),
                run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void soakMinutesNotANumber_refusedByTheParserWithoutAStackTrace() {
        CliRunner.Run run = cli.run("bench", "soak", "--minutes", "ten");

        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--minutes") && run.err().contains("'ten'"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void soakHelp_explainsTheReportAndTheVerdict() {
        CliRunner.Run run = cli.run("bench", "soak", "--help");

        assertEquals(0, run.exitCode());
        for (String words : new String[] {"--minutes", "--rate", "--interval", "open file descriptors",
                "last third"}) {
            assertTrue(run.out().replaceAll("\\s+", " ").contains(words), words + " in:\n" + run.out());
        }
    }

    @Test
    void soakShortRun_printsALinePerIntervalAndTheVerdicts() {
        CliRunner.Run run = cli.run("bench", "soak", "--minutes", "0.05", "--rate", "50", "--interval", "1");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ELAPSED") && l.contains("P99 ms") && l.contains("FDS")),
                run.out());
        long intervals = lines.stream().filter(l -> l.matches("\\s*\\d+s\\s+\\d+\\s+\\d+.*")).count();
        assertEquals(3, intervals, run.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("total: ")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("heap: (flat|GROWING) \\(first third .*")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("open files: (flat|GROWING) .*")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("threads: (flat|GROWING) .*")), run.out());
    }

    @Test
    void messageLogShortRun_printsRateLatencyAndCpuPerExchange() {
        CliRunner.Run run = cli.run("bench", "messagelog", "-n", "400", "-c", "8", "--durability", "commit");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().matches("(?s).*exchanges logged\\s+[0-9,]+ /s \\(0 errors\\).*"), run.out());
        assertTrue(run.out().matches("(?s).*append latency p50 / p99 / max\\s+[0-9.]+ / [0-9.]+ / [0-9.]+ ms.*"),
                run.out());
        assertTrue(run.out().matches("(?s).*message-log-writer\\s+[0-9]+ µs \\([0-9]+%\\).*"), run.out());
    }

    @Test
    void messageLogBadOption_refusedWithTheRanges() {
        CliRunner.Run run = cli.run("bench", "messagelog", "-n", "5");

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("--exchanges must be 100..10000000"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }
}
