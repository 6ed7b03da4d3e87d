-- Sealed bodies inline in their rows, like the signatures (V4): as a large object each body went
-- through H2's separate LOB store (two more map writes per record and a cleaner thread), the
-- largest single cost of storing a record. Rows are never updated (stamps are in record_stamp).
ALTER TABLE message_record ALTER COLUMN body_sealed SET DATA TYPE VARBINARY(1000000000);
