-- Message log: one row per stored message. An exchange is two consecutive rows, its request
-- (kind 'request', id n) and its response (kind 'response', id n + 1), written in the same
-- transaction. Rows are never updated except to set timestamp_batch_id once.
--
-- Hash link: record_hash = SHA-256(prev_hash || canonical bytes of the row's fields), where
-- prev_hash is the record_hash of the row with the next lower id (32 zero bytes for the first).
CREATE TABLE message_record (
    id                 BIGINT PRIMARY KEY,
    side               VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,
    query_id           VARCHAR NOT NULL,
    request_id         VARCHAR,
    client             VARCHAR NOT NULL,
    service            VARCHAR NOT NULL,
    method             VARCHAR,
    path               VARCHAR,
    user_id            VARCHAR,
    issue              VARCHAR,
    purpose            VARCHAR,
    subjects           CHARACTER LARGE OBJECT,
    data_subjects      CHARACTER LARGE OBJECT,
    status             INTEGER,
    exchanged_at       TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    stored_at          TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    signature          CHARACTER LARGE OBJECT,
    body_sha256        BINARY(32) NOT NULL,
    -- 12-byte GCM nonce followed by ciphertext and 16-byte tag
    body_sealed        BINARY LARGE OBJECT NOT NULL,
    prev_hash          BINARY(32) NOT NULL,
    record_hash        BINARY(32) NOT NULL,
    -- set by the timestamper (DESIGN.md section 6); empty until the record is stamped
    timestamp_batch_id BIGINT,
    CONSTRAINT message_record_side CHECK (side IN ('consumer', 'provider')),
    CONSTRAINT message_record_kind CHECK (kind IN ('request', 'response'))
);

CREATE INDEX message_record_query ON message_record (query_id, side);
CREATE INDEX message_record_unstamped ON message_record (timestamp_batch_id);
