-- Console users, roles of admin API keys, and the actor and outcome of audit rows, on PostgreSQL:
-- the same changes as the H2 migration V5 (db/securityserver).
ALTER TABLE audit ADD COLUMN actor VARCHAR(300) NOT NULL DEFAULT 'system';
ALTER TABLE audit ADD COLUMN outcome VARCHAR(2000) NOT NULL DEFAULT 'success';
-- Rows that record no configuration change (sign-ins, refusals, key imports) are FALSE, so that
-- they do not make the nodes reload the configuration (ServerConfStore.refreshIfChanged).
ALTER TABLE audit ADD COLUMN config_change BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX audit_config_change ON audit (config_change, id);
ALTER TABLE admin_api_key ADD COLUMN roles VARCHAR(300) NOT NULL DEFAULT 'admin';

CREATE TABLE console_user (
    name            VARCHAR(64)   PRIMARY KEY,
    password_hash   VARCHAR(100)  NOT NULL,
    roles           VARCHAR(300)  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    failures        INT           NOT NULL DEFAULT 0,
    failures_since  TIMESTAMP WITH TIME ZONE,
    locked_until    TIMESTAMP WITH TIME ZONE
);
