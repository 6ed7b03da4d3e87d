-- A record's leaf index and inclusion path in its timestamp batch are no longer stored: they are
-- computed when asked for (evidence export, archiving) from the record hashes of the batch, whose
-- tree is rebuilt and checked against the root the token covers. Stamping a batch of 10,000
-- records had inserted 10,000 rows of up to 14 hashes each, and computed every path first: about
-- 5% of a logged exchange's CPU in xroad bench exchange. Now it inserts the batch's one row.
--
-- A record belongs to the batch whose first_record_id..last_record_id covers its id; batches
-- cover consecutive ids in order, so the unstamped records are those above the newest batch's
-- last_record_id.
DROP TABLE record_stamp;
CREATE INDEX timestamp_batch_records ON timestamp_batch (first_record_id, last_record_id);
