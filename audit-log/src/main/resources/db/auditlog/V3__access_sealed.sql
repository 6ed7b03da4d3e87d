-- Restricted accesses (DESIGN.md section 7): what the log's stub entry commits to, kept here until
-- its disclosure date. sealed = the salt (32 bytes) and the event's canonical JSON, encrypted at
-- rest (AES-256-GCM under the server's message log key, the event id as associated data). On the
-- date the disclosure job writes the salt and the event in the clear and sets disclosed_at.
CREATE TABLE access_sealed (
    event_id        VARCHAR(64)               NOT NULL PRIMARY KEY,
    commitment      VARCHAR(64)               NOT NULL,
    disclose_at     TIMESTAMP WITH TIME ZONE  NOT NULL,
    sealed          BLOB                      NOT NULL,
    disclosed_at    TIMESTAMP WITH TIME ZONE,
    revealed_salt   VARCHAR(64),
    revealed_event  BLOB
);
CREATE INDEX access_sealed_due ON access_sealed (disclose_at);
