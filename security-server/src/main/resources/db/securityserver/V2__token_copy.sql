-- The server's token (PIN-protected PKCS#12) as the nodes of a clustered server share it through
-- their PostgreSQL database (docs/architecture.md, clustered nodes): every key change stores it
-- here under the next version, and a node whose token is older adopts it. A server on H2 keeps
-- this table empty.
CREATE TABLE token_copy (
    id        INTEGER PRIMARY KEY,
    pkcs12    VARBINARY(16777216) NOT NULL,
    version   BIGINT NOT NULL,
    saved_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT token_copy_single CHECK (id = 1)
);
