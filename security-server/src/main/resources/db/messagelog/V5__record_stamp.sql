-- Each record's place in its timestamp batch moves out of message_record into a table of its own,
-- so stamping a batch inserts small rows instead of rewriting every stamped record (whose signature
-- and body make it kilobytes long): stamping had cost as much as writing the records.
--
-- record_stamp has one row per stamped record, inserted in the transaction that stores its batch
-- and never changed afterwards:
--   batch_id       the batch whose tree has the record as a leaf
--   leaf_index     the record's leaf index within that tree (0-based; = record id - first_record_id)
--   inclusion_path the RFC 9162 section 2.1.3.1 inclusion proof of that leaf in the tree of the
--                  batch's size: its 32-byte hashes concatenated, leaf side first; empty for a batch
--                  of one record.
-- Batches cover consecutive record ids and are stamped in id order, so the unstamped records are
-- always those with ids above the last stamped one.
CREATE TABLE record_stamp (
    record_id      BIGINT PRIMARY KEY,
    batch_id       BIGINT NOT NULL,
    leaf_index     INTEGER NOT NULL,
    inclusion_path VARBINARY NOT NULL,
    CONSTRAINT record_stamp_batch FOREIGN KEY (batch_id) REFERENCES timestamp_batch (id)
);

INSERT INTO record_stamp (record_id, batch_id, leaf_index, inclusion_path)
    SELECT id, timestamp_batch_id, leaf_index, inclusion_path FROM message_record
    WHERE timestamp_batch_id IS NOT NULL;

ALTER TABLE message_record DROP CONSTRAINT message_record_batch;
DROP INDEX message_record_unstamped;
ALTER TABLE message_record DROP COLUMN inclusion_path;
ALTER TABLE message_record DROP COLUMN leaf_index;
ALTER TABLE message_record DROP COLUMN timestamp_batch_id;
