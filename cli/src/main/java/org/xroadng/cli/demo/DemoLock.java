package org.xroadng.cli.demo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The claim of a running demo on its data directory: an exclusive lock on {@code DIR/demo.lock}
 * (an operating-system file lock, so it ends with the process however the process ends), held from
 * before anything in the directory is opened until every component is stopped. While it is held
 * the file names the holder (its process id and ports), so that a second demo on the same
 * directory is refused saying which one runs there, whatever ports either was given.
 *
 * <p>Guarantees: {@link #acquire} changes nothing in the directory when it refuses (the file is
 * only read); the holder's description is written only once the lock is held.
 */
public final class DemoLock implements AutoCloseable {

    public static final String FILE = "demo.lock";
    /** The most of the holder's description read back; anything longer is cut. */
    private static final int MAX_DESCRIPTION = 300;

    private final FileChannel channel;
    private final FileLock lock;

    private DemoLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dir} (which must exist) for a demo on {@code ports}, or refuses
     * naming the demo that holds it.
     */
    public static DemoLock acquire(Path dir, DemoPorts ports) throws DemoException {
        Path file = dir.resolve(FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new DemoException("cannot open " + file + " to claim the data directory: " + e.getMessage(), e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another demo in this same process
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new DemoException("the data directory " + dir + " is in use by a demo that is running"
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + "; stop that demo (Ctrl-C in its terminal)"
                        + " or give this one another --data-dir");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("process " + ProcessHandle.current().pid() + ", ports " + ports.base()
                    + ".." + ports.last() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
            return new DemoLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DemoException("cannot claim the data directory " + dir + " (" + file + "): " + e.getMessage(), e);
        }
    }

    /** Releases the claim; the file stays, with the last holder's description (read only while locked). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it too.
        }
        closeQuietly(channel);
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(MAX_DESCRIPTION);
            channel.read(buffer, 0);
            buffer.flip();
            return StandardCharsets.UTF_8.decode(buffer).toString().strip().replaceAll("[^\\x20-\\x7e]", "?");
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more to release.
        }
    }
}
