-- The message log on PostgreSQL: the tables the H2 migrations V1 to V7 (db/messagelog) leave, in
-- one step. Later changes get a migration here and one there, with the same version.
--
-- message_record indexes the records the journal keeps (journal_segment and journal_offset name
-- the entry's frame); its other wide columns are for rows written before the journal kept
-- records, which a PostgreSQL database never had, and stay empty. See the H2 migrations for the
-- meaning of each column.
CREATE TABLE message_record (
    id                 BIGINT PRIMARY KEY,
    side               TEXT NOT NULL,
    kind               TEXT NOT NULL,
    query_id           TEXT NOT NULL,
    request_id         TEXT,
    client             TEXT,
    service            TEXT,
    method             TEXT,
    path               TEXT,
    user_id            TEXT,
    issue              TEXT,
    purpose            TEXT,
    subjects           TEXT,
    data_subjects      TEXT,
    status             INTEGER,
    exchanged_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    stored_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    signature          TEXT,
    body_sha256        BYTEA,
    body_sealed        BYTEA,
    prev_hash          BYTEA NOT NULL CHECK (octet_length(prev_hash) = 32),
    record_hash        BYTEA NOT NULL CHECK (octet_length(record_hash) = 32),
    journal_segment    BIGINT,
    journal_offset     BIGINT,
    CONSTRAINT message_record_side CHECK (side IN ('consumer', 'provider')),
    CONSTRAINT message_record_kind CHECK (kind IN ('request', 'response')),
    CONSTRAINT message_record_stored
        CHECK ((journal_segment IS NOT NULL AND journal_offset IS NOT NULL) OR body_sealed IS NOT NULL)
);

CREATE INDEX message_record_query ON message_record (query_id, side);

CREATE TABLE timestamp_batch (
    id               BIGINT PRIMARY KEY,
    root             BYTEA NOT NULL CHECK (octet_length(root) = 32),
    size             INTEGER NOT NULL,
    first_record_id  BIGINT NOT NULL,
    last_record_id   BIGINT NOT NULL,
    tsa_url          TEXT NOT NULL,
    token            BYTEA NOT NULL,
    stamped_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    gen_time         TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT timestamp_batch_size CHECK (size >= 1 AND last_record_id - first_record_id + 1 = size)
);

CREATE TABLE record_stamp (
    record_id      BIGINT PRIMARY KEY,
    batch_id       BIGINT NOT NULL,
    leaf_index     INTEGER NOT NULL,
    inclusion_path BYTEA NOT NULL,
    CONSTRAINT record_stamp_batch FOREIGN KEY (batch_id) REFERENCES timestamp_batch (id)
);

CREATE TABLE archive_state (
    id                INTEGER PRIMARY KEY,
    last_sequence     BIGINT NOT NULL,
    last_file_sha256  BYTEA NOT NULL,
    last_record_id    BIGINT NOT NULL,
    last_record_hash  BYTEA NOT NULL,
    last_batch_id     BIGINT NOT NULL,
    archived_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT archive_state_single CHECK (id = 1)
);

CREATE TABLE journal_state (
    id               INTEGER PRIMARY KEY,
    indexed_through  BIGINT NOT NULL,
    CONSTRAINT journal_state_single CHECK (id = 1)
);
