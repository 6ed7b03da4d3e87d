package org.xroadng.securityserver.log.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A disk that fails on command, for {@link Journal}'s channel seam: every segment channel writes
 * to the real file, but a write that does not fit in the free bytes writes what fits and then
 * fails with "No space left on device" (as the kernel's ENOSPC reads in Java), a force fails the
 * same way when told, and opening a file can fail with an I/O error. Counts forces, per file too.
 */
final class FaultyChannels implements Journal.ChannelOpener {

    static final String NO_SPACE = "No space left on device";
    static final String IO_ERROR = "Input/output error";

    private volatile long freeBytes = Long.MAX_VALUE;
    private volatile boolean forceFails;
    private volatile boolean openFails;
    private volatile RuntimeException writeThrows;
    private final AtomicInteger forces = new AtomicInteger();
    private final Map<String, AtomicInteger> forcesByFile = new ConcurrentHashMap<>();

    /** From now on no byte can be written (true), or any number (false). */
    void full(boolean full) {
        freeBytes = full ? 0 : Long.MAX_VALUE;
    }

    /** From now on only {@code bytes} more bytes can be written. */
    void freeBytes(long bytes) {
        freeBytes = bytes;
    }

    void forceFails(boolean fails) {
        forceFails = fails;
    }

    /** From now on every write throws {@code unchecked} (null: writes work again). */
    void writeThrows(RuntimeException unchecked) {
        writeThrows = unchecked;
    }

    void openFails(boolean fails) {
        openFails = fails;
    }

    /** Forces asked of any channel so far, failed ones included. */
    int forces() {
        return forces.get();
    }

    /** Forces asked of channels of the file named {@code fileName} so far. */
    int forces(String fileName) {
        AtomicInteger count = forcesByFile.get(fileName);
        return count == null ? 0 : count.get();
    }

    @Override
    public FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
        if (openFails) {
            throw new IOException(IO_ERROR);
        }
        return new FaultyChannel(file.getFileName().toString(), FileChannel.open(file, options));
    }

    /** Takes {@code wanted} bytes of free space; how many fit. */
    private synchronized long take(long wanted) {
        long granted = Math.min(wanted, freeBytes);
        if (freeBytes != Long.MAX_VALUE) {
            freeBytes -= granted;
        }
        return granted;
    }

    private final class FaultyChannel extends FileChannel {

        private final String fileName;
        private final FileChannel delegate;

        FaultyChannel(String fileName, FileChannel delegate) {
            this.fileName = fileName;
            this.delegate = delegate;
        }

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
            if (writeThrows != null) {
                throw writeThrows;
            }
            long wanted = 0;
            for (int i = offset; i < offset + length; i++) {
                wanted += sources[i].remaining();
            }
            long granted = take(wanted);
            if (granted == wanted) {
                return delegate.write(sources, offset, length);
            }
            for (int i = offset; i < offset + length && granted > 0; i++) {
                ByteBuffer source = sources[i];
                int part = (int) Math.min(source.remaining(), granted);
                ByteBuffer fitting = source.duplicate().limit(source.position() + part);
                while (fitting.hasRemaining()) {
                    delegate.write(fitting);
                }
                source.position(source.position() + part);
                granted -= part;
            }
            throw new IOException(NO_SPACE);
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            return (int) write(new ByteBuffer[] {source}, 0, 1);
        }

        @Override
        public int write(ByteBuffer source, long position) throws IOException {
            if (take(source.remaining()) < source.remaining()) {
                throw new IOException(NO_SPACE);
            }
            return delegate.write(source, position);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            forces.incrementAndGet();
            forcesByFile.computeIfAbsent(fileName, name -> new AtomicInteger()).incrementAndGet();
            if (forceFails) {
                throw new IOException(NO_SPACE);
            }
            delegate.force(metaData);
        }

        @Override
        public int read(ByteBuffer destination) throws IOException {
            return delegate.read(destination);
        }

        @Override
        public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
            return delegate.read(destinations, offset, length);
        }

        @Override
        public int read(ByteBuffer destination, long position) throws IOException {
            return delegate.read(destination, position);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel source, long position, long count) throws IOException {
            throw new IOException("transferFrom is not used by the journal");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
