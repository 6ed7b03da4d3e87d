package org.xroadng.securityserver.log.archive;

import java.util.OptionalLong;

/**
 * A message log archive does not verify: the first failure found, naming the archive file, the
 * record where there is one, what was checked, and the expected and actual values.
 */
public final class ArchiveVerificationException extends Exception {

    private final String file;
    private final long recordId;
    private final String expected;
    private final String actual;

    /**
     * @param file     the archive file's name (or the directory, when no one file is at fault)
     * @param recordId the record at fault, or -1 when the failure is not about one record
     * @param what     what failed, e.g. "its fields do not hash to its stored record hash"
     */
    public ArchiveVerificationException(String file, long recordId, String what, String expected, String actual) {
        super(file + (recordId >= 0 ? ", record " + recordId : "") + ": " + what + "; expected " + expected
                + ", found " + actual);
        this.file = file;
        this.recordId = recordId;
        this.expected = expected;
        this.actual = actual;
    }

    /** The archive file at fault. */
    public String file() {
        return file;
    }

    /** The record at fault, if the failure is about one record. */
    public OptionalLong recordId() {
        return recordId >= 0 ? OptionalLong.of(recordId) : OptionalLong.empty();
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
