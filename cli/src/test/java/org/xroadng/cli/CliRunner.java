package org.xroadng.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** Runs {@code xroad} in-process, as a user would from a shell, and captures what it prints. */
final class CliRunner {

    record Run(int exitCode, String out, String err) {
    }

    private final Map<String, String> environment;

    CliRunner(Map<String, String> environment) {
        this.environment = environment;
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Services services = new Services(new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC(), environment,
                new PrintWriter(out, true), new PrintWriter(err, true));
        int code = Xroad.run(services, args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Starts a long-running command (a server) on its own thread; interrupting the thread stops it. */
    Thread start(StringWriter out, String... args) {
        return start(out, new StringWriter(), args);
    }

    /** As {@link #start(StringWriter, String...)}, also capturing what the command prints to stderr. */
    Thread start(StringWriter out, StringWriter err, String... args) {
        Services services = new Services(new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC(), environment,
                new PrintWriter(out, true), new PrintWriter(err, true));
        Thread thread = new Thread(() -> Xroad.run(services, args), "xroad " + String.join(" ", args));
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
