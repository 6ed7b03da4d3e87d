package org.xroadng.securityserver.log.archive;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The content of one archive file (format in {@link ArchiveCodec}).
 *
 * @param sequence           the file's place in the chain, from 1
 * @param previousFileSha256 the SHA-256 of the whole previous file; 32 zero bytes for file 1
 * @param createdAt          when the archiver wrote it, by the server's clock
 * @param batches            the batches in id order, each with its records
 */
record ArchiveFile(long sequence, byte[] previousFileSha256, Instant createdAt, List<ArchivedBatch> batches) {

    ArchiveFile {
        Objects.requireNonNull(previousFileSha256, "previousFileSha256");
        Objects.requireNonNull(createdAt, "createdAt");
        batches = List.copyOf(batches);
    }

    long recordCount() {
        return batches.stream().mapToLong(b -> b.records().size()).sum();
    }

    ArchivedRecord lastRecord() {
        List<ArchivedRecord> last = batches.get(batches.size() - 1).records();
        return last.get(last.size() - 1);
    }

    ArchivedRecord firstRecord() {
        return batches.get(0).records().get(0);
    }
}
