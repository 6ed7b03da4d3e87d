-- Users of the registry's operator console (docs/console.md): a bcrypt hash, never the password;
-- one role of the operator API's (admin, registration-officer, viewer); the lock-out counter.
CREATE TABLE console_user (
    name            VARCHAR(64)   PRIMARY KEY,
    password_hash   VARCHAR(100)  NOT NULL,
    role            VARCHAR(32)   NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    failures        INT           DEFAULT 0 NOT NULL,
    failures_since  TIMESTAMP WITH TIME ZONE,
    locked_until    TIMESTAMP WITH TIME ZONE
);
