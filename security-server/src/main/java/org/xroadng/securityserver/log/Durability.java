package org.xroadng.securityserver.log;

/**
 * When an append's future completes, and so when the proxies release the response. The
 * stronger the guarantee, the longer each group commit takes (and the more appends share it).
 */
public enum Durability {

    /**
     * Default. The batch's transaction is committed and {@code CHECKPOINT SYNC} has written it to
     * H2's file and forced the file to the storage device ({@code fsync}). Survives a
     * crash of the process and of the machine (power loss), as far as the device honours flushes.
     * Costs one device flush per batch.
     */
    FSYNC,

    /**
     * The batch's transaction is committed and written to the file ({@code CHECKPOINT}), but may
     * sit in the operating system's page cache. Survives a crash of the process; a crash of the machine may lose the
     * last batches even though their responses were released.
     */
    COMMIT,

    /**
     * The future completes as soon as the record is queued for the writer; the record is written
     * later, as in {@link #COMMIT}. Fastest, but a crash of the process may lose the records still
     * queued, whose responses were already released without evidence. A full queue is still
     * refused.
     */
    ASYNC
}
