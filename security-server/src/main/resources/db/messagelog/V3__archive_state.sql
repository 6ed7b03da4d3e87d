-- Retention (DESIGN.md section 6, Message log): MessageLogArchiver moves time-stamped records
-- older than the retention age, whole timestamp batches at a time, into a chain of archive files
-- and deletes them here. This table has one row (id 1) once anything was archived: the last
-- archive file whose records were deleted (its sequence number and SHA-256, which the next file's
-- header carries) and the last archived record and batch. The first remaining message_record's
-- prev_hash equals last_record_hash, so the hash chain still verifies from here. The row is
-- written in the same transaction that deletes the archived records and batches.
CREATE TABLE archive_state (
    id                INTEGER PRIMARY KEY,
    last_sequence     BIGINT NOT NULL,
    last_file_sha256  BINARY(32) NOT NULL,
    last_record_id    BIGINT NOT NULL,
    last_record_hash  BINARY(32) NOT NULL,
    last_batch_id     BIGINT NOT NULL,
    archived_at       TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    CONSTRAINT archive_state_single CHECK (id = 1)
);
