package org.xroadng.cli.demo;

import java.io.PrintWriter;

/**
 * Reports enrolment steps as they happen: {@code done} for a step carried out now, {@code kept}
 * for one found already done (a second run on the same data directory), and counts both.
 */
public final class Progress {

    private final PrintWriter out;
    private int done;
    private int kept;

    public Progress(PrintWriter out) {
        this.out = out;
    }

    void done(String step) {
        done++;
        out.println("  done  " + step);
        out.flush();
    }

    void kept(String step) {
        kept++;
        out.println("  kept  " + step + " (already done)");
        out.flush();
    }

    void note(String text) {
        out.println(text);
        out.flush();
    }

    public int doneCount() {
        return done;
    }

    public int keptCount() {
        return kept;
    }
}
