package org.xroadng.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoLock;
import org.xroadng.cli.demo.DemoPorts;

/**
 * A process of its own that claims a data directory as a running demo does, for the test of a
 * second demo refused by another process's lock: {@code DemoLockHolder DIR BASE} takes the lock,
 * prints {@code held}, and keeps it until its standard input closes.
 */
final class DemoLockHolder {

    private DemoLockHolder() {
    }

    public static void main(String[] args) throws DemoException, IOException {
        try (DemoLock lock = DemoLock.acquire(Path.of(args[0]), new DemoPorts(Integer.parseInt(args[1])))) {
            System.out.println("held");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the test closes our input
            }
        }
    }
}
