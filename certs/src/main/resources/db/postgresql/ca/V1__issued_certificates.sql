-- The CA's records on PostgreSQL: the same table as the H2 migration V1 (db/ca).
CREATE TABLE issued_certificate (
    serial            VARCHAR(40)   NOT NULL PRIMARY KEY, -- lower-case hex, no leading zeros
    kind              VARCHAR(16)   NOT NULL,             -- sign, auth, ocsp, tsa
    identity          VARCHAR(1100) NOT NULL,             -- the X-Road identifier or the service name
    subject           VARCHAR(2000) NOT NULL,
    not_before        TIMESTAMP WITH TIME ZONE NOT NULL,
    not_after         TIMESTAMP WITH TIME ZONE NOT NULL,
    issued_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at        TIMESTAMP WITH TIME ZONE,
    revocation_reason INT,
    certificate_pem   TEXT          NOT NULL,
    CONSTRAINT revocation_complete CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);

CREATE INDEX issued_certificate_identity ON issued_certificate (identity);
