package org.xroadng.securityserver.log.archive;

import java.util.List;
import java.util.Objects;
import org.xroadng.securityserver.log.timestamp.TimestampBatch;

/** One timestamp batch in an archive file, with its records in leaf order. */
record ArchivedBatch(TimestampBatch batch, List<ArchivedRecord> records) {

    ArchivedBatch {
        Objects.requireNonNull(batch, "batch");
        records = List.copyOf(records);
    }
}
