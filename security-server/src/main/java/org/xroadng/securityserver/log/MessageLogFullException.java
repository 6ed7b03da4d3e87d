package org.xroadng.securityserver.log;

/**
 * The writer's queue is full: the disk cannot keep up with the offered load. The append is
 * refused at once (the caller is never blocked) and nothing is stored.
 */
public final class MessageLogFullException extends MessageLogException {

    private final int capacity;

    public MessageLogFullException(int capacity) {
        super("message log is overloaded: " + capacity + " records are already waiting to be written");
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }
}
