-- The checkpoint witness (DESIGN.md sections 5 and 7): every access-log checkpoint it accepted,
-- kept so that the checkpoint of any size ever witnessed can be answered. One row is one whole
-- acceptance, written in one statement; rows are never updated.

CREATE TABLE witnessed_checkpoint (
    server_id       VARCHAR(1100) NOT NULL,          -- the checkpoint's origin, canonical form
    tree_size       BIGINT        NOT NULL,
    root_hash       CHAR(43)      NOT NULL,          -- base64url SHA-256, as in the checkpoint
    checkpoint_time TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    checkpoint_jws  CLOB          NOT NULL,          -- the compact JWS as submitted
    timestamp_token VARBINARY(65536) NOT NULL,       -- DER RFC 3161 TimeStampToken over SHA-256 of the JWS
    witnessed_at    TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (server_id, tree_size),
    CONSTRAINT witnessed_checkpoint_size CHECK (tree_size >= 0)
);
