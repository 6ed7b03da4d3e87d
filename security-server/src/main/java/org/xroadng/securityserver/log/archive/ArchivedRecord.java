package org.xroadng.securityserver.log.archive;

import java.util.List;
import java.util.Objects;
import org.xroadng.securityserver.log.LogRow;

/**
 * One record as it is archived: its columns exactly as stored (the body still sealed under the
 * message log key), its stored record hash, and its place in its timestamp batch.
 */
record ArchivedRecord(LogRow row, byte[] recordHash, long batchId, int leafIndex, List<byte[]> inclusionPath) {

    ArchivedRecord {
        Objects.requireNonNull(row, "row");
        Objects.requireNonNull(recordHash, "recordHash");
        inclusionPath = List.copyOf(inclusionPath);
    }
}
