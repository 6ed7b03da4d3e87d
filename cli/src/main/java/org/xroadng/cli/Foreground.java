package org.xroadng.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a serving command in the foreground until Ctrl-C (a JVM shutdown) or an interrupt (tests). */
final class Foreground {

    private Foreground() {
    }

    static void awaitStop(String name) {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(stopped::countDown, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already stopping: the hook has run.
            }
        }
    }
}
