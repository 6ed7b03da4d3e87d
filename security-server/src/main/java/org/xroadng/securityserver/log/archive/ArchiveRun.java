package org.xroadng.securityserver.log.archive;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@link MessageLogArchiver#archive} run did.
 *
 * @param files      the archive files written by this run, in sequence order
 * @param recovered  the file a previous, interrupted run had written and whose records this run
 *                   deleted from the database; null when there was none
 * @param batches    the timestamp batches that left the database (including those of {@code recovered})
 * @param records    the records that left the database (including those of {@code recovered})
 */
public record ArchiveRun(List<Path> files, Path recovered, long batches, long records) {

    public ArchiveRun {
        files = List.copyOf(files);
    }
}
