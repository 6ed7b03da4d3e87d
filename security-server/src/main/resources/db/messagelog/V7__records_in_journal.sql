-- A record's columns and sealed body stay in the journal entry that made it durable (DESIGN.md
-- section 6, Message log): the journal's segments are kept until the record is archived, and a row
-- here is the record's index entry. Writing every record a second time into this table (its
-- signature and body, kilobytes, in pages H2 rewrites as they fill) had cost more than signing it.
--
-- A new row holds what queries, the chain and retention use: id, side, kind, query_id, the times,
-- prev_hash and record_hash, and where its entry is: journal_segment (the segment's first sequence,
-- the number in its file name) and journal_offset (where the entry's frame begins in that file).
-- The other columns are NULL; rows written before this version keep them and no location.
ALTER TABLE message_record ADD COLUMN journal_segment BIGINT;
ALTER TABLE message_record ADD COLUMN journal_offset BIGINT;
ALTER TABLE message_record ALTER COLUMN client SET NULL;
ALTER TABLE message_record ALTER COLUMN service SET NULL;
ALTER TABLE message_record ALTER COLUMN body_sha256 SET NULL;
ALTER TABLE message_record ALTER COLUMN body_sealed SET NULL;
ALTER TABLE message_record ADD CONSTRAINT message_record_stored
    CHECK ((journal_segment IS NOT NULL AND journal_offset IS NOT NULL) OR body_sealed IS NOT NULL);

-- One row (id 1): every journal entry up to indexed_through is in this database and the access
-- log's, both forced to the device. A restart replays the journal from the entry after it.
CREATE TABLE journal_state (
    id               INTEGER PRIMARY KEY,
    indexed_through  BIGINT NOT NULL,
    CONSTRAINT journal_state_single CHECK (id = 1)
);
