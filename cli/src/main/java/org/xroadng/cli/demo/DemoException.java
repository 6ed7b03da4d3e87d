package org.xroadng.cli.demo;

/**
 * The demo network could not be started or enrolled: a port is taken, the data directory belongs
 * to another layout, or a component refused a step. The message says which step or port, what
 * happened and, where it helps, what to do.
 */
public final class DemoException extends Exception {

    public DemoException(String message) {
        super(message);
    }

    public DemoException(String message, Throwable cause) {
        super(message, cause);
    }
}
