-- The operator console and roles (docs/console.md): console users with bcrypt password hashes and
-- X-Road's roles, roles for admin API keys (existing keys keep 'admin', every role, so nothing that
-- worked before is refused), and who did each audited action and how it ended. The same changes
-- as the PostgreSQL migration V5 (db/postgresql/securityserver).
ALTER TABLE audit ADD COLUMN actor VARCHAR(300) DEFAULT 'system' NOT NULL;
ALTER TABLE audit ADD COLUMN outcome VARCHAR(2000) DEFAULT 'success' NOT NULL;
-- Rows that record no configuration change (sign-ins, refusals, key imports) are FALSE, so that
-- they do not make the nodes reload the configuration (ServerConfStore.refreshIfChanged).
ALTER TABLE audit ADD COLUMN config_change BOOLEAN DEFAULT TRUE NOT NULL;
CREATE INDEX audit_config_change ON audit (config_change, id);
ALTER TABLE admin_api_key ADD COLUMN roles VARCHAR(300) DEFAULT 'admin' NOT NULL;

CREATE TABLE console_user (
    name            VARCHAR(64)   PRIMARY KEY,
    password_hash   VARCHAR(100)  NOT NULL,
    roles           VARCHAR(300)  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    failures        INT           DEFAULT 0 NOT NULL,
    failures_since  TIMESTAMP WITH TIME ZONE,
    locked_until    TIMESTAMP WITH TIME ZONE
);
