-- Batch timestamping (DESIGN.md section 6, Message log). The timestamper takes the unstamped
-- records in id order, makes a Merkle tree (RFC 9162 section 2.1.1, SHA-256, leaf = SHA-256(0x00 ||
-- record_hash), node = SHA-256(0x01 || left || right)) whose leaf i is the i-th of those records,
-- and has its root time-stamped by a TSA (RFC 3161): the root itself is the SHA-256 message
-- imprint of the request. One row here per time-stamped tree.
CREATE TABLE timestamp_batch (
    id               BIGINT PRIMARY KEY,
    -- the Merkle Tree Hash of the batch, and the message imprint of the token
    root             BINARY(32) NOT NULL,
    -- number of leaves (records) in the tree
    size             INTEGER NOT NULL,
    -- the first and last message_record id in the batch; the ids in between are its leaves in order
    first_record_id  BIGINT NOT NULL,
    last_record_id   BIGINT NOT NULL,
    -- the approved TSA that issued the token, as listed in the global configuration
    tsa_url          VARCHAR NOT NULL,
    -- the DER TimeStampToken (RFC 3161 section 2.4.2), a CMS ContentInfo with its certificates
    token            BINARY LARGE OBJECT NOT NULL,
    -- when this server stored the token (its own clock), and the token's genTime
    stamped_at       TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    gen_time         TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    CONSTRAINT timestamp_batch_size CHECK (size >= 1 AND last_record_id - first_record_id + 1 = size)
);

-- Per record, set in the same transaction as timestamp_batch_id and never changed afterwards:
--   leaf_index     the record's leaf index within its batch's tree (0-based)
--   inclusion_path the RFC 9162 section 2.1.3.1 inclusion proof of that leaf in the tree of the
--                  batch's size: its 32-byte hashes concatenated, leaf side first; empty (zero
--                  bytes, not NULL) for a batch of one record.
-- These columns are not covered by record_hash: they are evidence about the record, checked
-- against the batch root, which the token signs.
ALTER TABLE message_record ADD COLUMN leaf_index INTEGER;
ALTER TABLE message_record ADD COLUMN inclusion_path VARBINARY;
ALTER TABLE message_record ADD CONSTRAINT message_record_batch
    FOREIGN KEY (timestamp_batch_id) REFERENCES timestamp_batch (id);
