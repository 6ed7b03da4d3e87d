package org.xroadng.protocol.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * A disk that fails on command, under H2: databases opened with {@link #jdbcUrl} live in a real
 * directory, but every write and every device flush goes through this class first, so a test can
 * make the disk full (writes fail with "No space left on device", as the kernel's ENOSPC reads in
 * Java) or make {@code fsync} fail, at exactly the step it wants, and then free it again. H2 meets
 * the failure as it would on a real disk: it is H2's own reaction (roll back, close the store,
 * reopen it from the file) that the code under test must survive.
 */
public final class FaultyDisk {

    private static final String SCHEME = "faulty";
    private static final Map<String, FaultyDisk> DISKS = new ConcurrentHashMap<>();

    static {
        FilePath.register(new FaultyPath());
    }

    private final Path dir;
    private volatile boolean full;
    private volatile boolean syncFails;
    private volatile long databaseSyncMillis;
    private final AtomicInteger failedWrites = new AtomicInteger();
    private final AtomicInteger failedSyncs = new AtomicInteger();
    private final AtomicInteger syncs = new AtomicInteger();

    private FaultyDisk(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** A faulty disk holding the files under {@code dir} (healthy until told otherwise). */
    public static FaultyDisk at(Path dir) {
        FaultyDisk disk = new FaultyDisk(dir);
        DISKS.put(disk.dir.toString(), disk);
        return disk;
    }

    /** The JDBC URL of H2 database {@code name} on this disk. */
    public String jdbcUrl(String name, String options) {
        return "jdbc:h2:" + SCHEME + ":" + dir.resolve(name) + (options.isEmpty() ? "" : ";" + options);
    }

    /** The real directory under this disk. */
    public Path dir() {
        return dir;
    }

    /**
     * Opens {@code file} (under {@link #dir()}) through this disk, for code that writes files
     * itself rather than through H2: its writes and flushes fail when this disk is told to fail.
     */
    public FileChannel openChannel(Path file, Set<? extends OpenOption> options) throws IOException {
        return new FaultyChannel(FileChannel.open(file, options), this, false);
    }

    /** From now on every write fails as on a full disk (true), or succeeds again (false). */
    public void full(boolean full) {
        this.full = full;
    }

    /** From now on every flush of H2's files takes {@code millis} longer (files opened with {@link #openChannel} do not). */
    public void slowDatabaseSyncs(long millis) {
        this.databaseSyncMillis = millis;
    }

    /** From now on every flush to the device fails (true), or succeeds again (false). */
    public void syncFails(boolean fails) {
        this.syncFails = fails;
    }

    public int failedWrites() {
        return failedWrites.get();
    }

    public int failedSyncs() {
        return failedSyncs.get();
    }

    public int syncs() {
        return syncs.get();
    }

    private static FaultyDisk of(String path) {
        String plain = path.startsWith(SCHEME + ":") ? path.substring(SCHEME.length() + 1) : path;
        for (Map.Entry<String, FaultyDisk> e : DISKS.entrySet()) {
            if (plain.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    /** H2's file-system hook: {@code faulty:/path} is {@code /path}, through {@link FaultyChannel}. */
    public static final class FaultyPath extends FilePathWrapper {

        @Override
        public String getScheme() {
            return SCHEME;
        }

        @Override
        public FileChannel open(String mode) throws IOException {
            return new FaultyChannel(getBase().open(mode), of(name), true);
        }
    }

    private static final class FaultyChannel extends FileBase {

        private final FileChannel base;
        private final FaultyDisk disk;
        private final boolean database;

        FaultyChannel(FileChannel base, FaultyDisk disk, boolean database) {
            this.base = base;
            this.disk = disk;
            this.database = database;
        }

        private void checkWrite() throws IOException {
            if (disk != null && disk.full) {
                disk.failedWrites.incrementAndGet();
                throw new IOException("No space left on device");
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return base.read(dst);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return base.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            checkWrite();
            return base.write(src);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            checkWrite();
            return base.write(src, position);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            checkWrite();
            return base.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            base.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            checkWrite();
            base.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (disk != null) {
                disk.syncs.incrementAndGet();
                if (disk.syncFails || disk.full) {
                    disk.failedSyncs.incrementAndGet();
                    throw new IOException("Input/output error (fsync failed)");
                }
                if (database && disk.databaseSyncMillis > 0) {
                    try {
                        Thread.sleep(disk.databaseSyncMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted during a slow flush");
                    }
                }
            }
            base.force(metaData);
        }

        @Override
        public synchronized FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }
    }
}
