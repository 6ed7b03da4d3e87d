-- The server's token (PIN-protected PKCS#12) as the nodes of a clustered server share it: every
-- key change stores it here under the next version, and a node whose token is older adopts it.
-- The same table as the H2 migration V2 (db/securityserver).
CREATE TABLE token_copy (
    id        INTEGER PRIMARY KEY,
    pkcs12    BYTEA NOT NULL,
    version   BIGINT NOT NULL,
    saved_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT token_copy_single CHECK (id = 1)
);
