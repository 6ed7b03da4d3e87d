-- The ACME server's records (RFC 8555): external account binding credentials the CA operator
-- creates per member, the accounts bound with them, the nonces handed out, orders and their
-- authorizations. The same SQL serves H2 and PostgreSQL (db/postgresql/ca/V2__acme.sql).

-- An EAB credential (RFC 8555 section 7.3.4): key id and HMAC key, bound to one X-Road member.
CREATE TABLE acme_eab (
    kid         VARCHAR(64)  NOT NULL PRIMARY KEY,
    hmac_key    VARCHAR(128) NOT NULL,              -- base64url, 32 random bytes
    member      VARCHAR(800) NOT NULL,              -- INSTANCE/CLASS/CODE
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE
);

CREATE TABLE acme_account (
    id          VARCHAR(32)   NOT NULL PRIMARY KEY,
    thumbprint  VARCHAR(64)   NOT NULL UNIQUE,       -- RFC 7638 SHA-256 thumbprint of the key, base64url
    jwk         VARCHAR(2000) NOT NULL,              -- the public key as JSON
    eab_kid     VARCHAR(64)   NOT NULL REFERENCES acme_eab (kid),
    member      VARCHAR(800)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Nonces handed out and not yet used (RFC 8555 section 6.5); a used one is deleted.
CREATE TABLE acme_nonce (
    nonce       VARCHAR(64) NOT NULL PRIMARY KEY,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE acme_order (
    id           VARCHAR(32)   NOT NULL PRIMARY KEY,
    account_id   VARCHAR(32)   NOT NULL REFERENCES acme_account (id),
    status       VARCHAR(16)   NOT NULL,             -- pending, ready, valid, invalid
    profile      VARCHAR(8)    NOT NULL,             -- sign, auth
    identity     VARCHAR(1100) NOT NULL,             -- the X-Road identifier certified
    identifiers  VARCHAR(4000) NOT NULL,             -- the order's identifiers as JSON
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    serial       VARCHAR(40),                        -- the issued certificate, once valid
    error        VARCHAR(2000)
);

CREATE INDEX acme_order_account ON acme_order (account_id);

-- One per identifier of an order; dns and ip identifiers carry an http-01 challenge.
CREATE TABLE acme_authz (
    id               VARCHAR(32)  NOT NULL PRIMARY KEY,
    order_id         VARCHAR(32)  NOT NULL REFERENCES acme_order (id),
    identifier_type  VARCHAR(16)  NOT NULL,
    identifier_value VARCHAR(1100) NOT NULL,
    status           VARCHAR(16)  NOT NULL,          -- pending, valid, invalid
    token            VARCHAR(64),                    -- the http-01 token; null when authorized by the account's binding
    challenge_status VARCHAR(16),
    validated_at     TIMESTAMP WITH TIME ZONE,
    error            VARCHAR(2000)
);

CREATE INDEX acme_authz_order ON acme_authz (order_id);
