package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.protocol.testing.FreePorts;

/** {@code xroad demo} running in-process in a thread, for end-to-end tests; and running what it prints. */
final class RunningDemo {

    private static final String READY = "ready";

    private final Thread thread;
    private final StringWriter out;

    private RunningDemo(Thread thread, StringWriter out) {
        this.thread = thread;
        this.out = out;
    }

    /** Starts the demo and waits until it prints its {@code ready} line (at most 60 s). */
    static RunningDemo start(CliRunner cli, int base, Path data, String... options) throws InterruptedException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new java.util.ArrayList<>(List.of("demo", "--base-port", String.valueOf(base), "--data-dir",
                data.toString()));
        args.addAll(List.of(options));
        Thread thread = cli.start(out, err, args.toArray(String[]::new));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!out.toString().lines().anyMatch(line -> line.startsWith(READY))) {
            if (!thread.isAlive()) {
                fail("the demo ended before it was ready:\n" + out + "\n" + err);
            }
            if (System.nanoTime() > deadline) {
                fail("the demo was not ready in 60 s:\n" + out + "\n" + err);
            }
            Thread.sleep(100);
        }
        return new RunningDemo(thread, out);
    }

    /** What the demo printed so far. */
    String output() {
        return out.toString();
    }

    /** Stops the demo as Ctrl-C would and waits for it (at most 20 s). */
    void stop() throws InterruptedException {
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(20));
        assertFalse(thread.isAlive(), "the demo stops when interrupted");
    }

    /** The printed lines that are shell commands starting with {@code prefix}, stripped. */
    List<String> commands(String prefix) {
        return output().lines().map(String::strip).filter(line -> line.startsWith(prefix)).toList();
    }

    /** Runs a command as a user would paste it into a shell; returns what it printed; it must succeed. */
    static String sh(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("sh", "-c", command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the command finished: " + command);
        assertEquals(0, process.exitValue(), "exit code of " + command);
        return output;
    }

    /** A base port whose ports are all free now, away from the default so a running demo does not clash. */
    static int freeBasePort() {
        return FreePorts.range(DemoPorts.SPAN);
    }
}
