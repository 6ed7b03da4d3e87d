package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.xroadng.cli.demo.DemoPorts;

/**
 * {@code xroad demo} in a JVM of its own, for tests that kill it, stop it with SIGTERM or starve its
 * disk: the process and the file its stdout and stderr go to (a file rather than a pipe, because
 * {@link Process#destroy()} closes the pipes and what the demo prints while stopping would be lost).
 */
record DemoJvm(Process process, Path log) {

    private static final String READY = "ready";

    /**
     * Starts the demo on {@code ports} with its data in {@code data}, its output in {@code log}, and
     * waits for its {@code ready} line (90 s at most).
     */
    static DemoJvm start(DemoPorts ports, Path data, Path log) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new AssertionError("no java command"));
        String classPath = ManagementFactory.getRuntimeMXBean().getClassPath();
        Process process = new ProcessBuilder(java, "-cp", classPath, Xroad.class.getName(), "demo", "--base-port",
                String.valueOf(ports.base()), "--data-dir", data.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        DemoJvm demo = new DemoJvm(process, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!demo.output().lines().anyMatch(line -> line.startsWith(READY))) {
            if (!process.isAlive()) {
                fail("the demo ended (exit " + process.exitValue() + ") before it was ready:\n" + demo.output());
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                fail("the demo was not ready in 90 s:\n" + demo.output());
            }
            Thread.sleep(100);
        }
        return demo;
    }

    /** Stops the demo with SIGTERM, as an operator would, and requires it to say it stopped (30 s at most). */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            fail("the demo did not stop on SIGTERM in 30 s:\n" + output());
        }
        if (!output().contains("demo network stopped")) {
            fail("the demo did not say it stopped:\n" + output());
        }
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** A base port whose {@value DemoPorts#SPAN} ports are all free now ({@link RunningDemo#freeBasePort}). */
    static DemoPorts freePorts() {
        return new DemoPorts(RunningDemo.freeBasePort());
    }
}
