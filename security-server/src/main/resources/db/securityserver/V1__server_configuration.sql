-- The security server's own configuration (DESIGN.md section 6): hosted clients, provided
-- services, access rights, local groups, the role of each token key, admin API keys, audit trail.

CREATE TABLE client (
    id            VARCHAR(1100) PRIMARY KEY,
    is_auth       VARCHAR(5)    NOT NULL,
    registered    BOOLEAN       NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE client_pinned_cert (
    client_id     VARCHAR(1100) NOT NULL REFERENCES client (id) ON DELETE CASCADE,
    cert_sha256   CHAR(64)      NOT NULL,
    PRIMARY KEY (client_id, cert_sha256)
);

CREATE TABLE service (
    id              VARCHAR(1400) PRIMARY KEY,
    provider        VARCHAR(1100) NOT NULL REFERENCES client (id),
    url             VARCHAR(2000) NOT NULL,
    timeout_seconds INT           NOT NULL,
    personal_data   BOOLEAN       NOT NULL,
    enabled         BOOLEAN       NOT NULL
);

CREATE TABLE local_group (
    code          VARCHAR(255)  PRIMARY KEY,
    description   VARCHAR(1000) NOT NULL
);

CREATE TABLE local_group_member (
    group_code    VARCHAR(255)  NOT NULL REFERENCES local_group (code) ON DELETE CASCADE,
    member_id     VARCHAR(1100) NOT NULL,
    PRIMARY KEY (group_code, member_id)
);

CREATE TABLE access_right (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    service_id    VARCHAR(1400) NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    subject       VARCHAR(1200) NOT NULL,
    method        VARCHAR(10)   NOT NULL,
    path_glob     VARCHAR(1000) NOT NULL,
    purposes      VARCHAR(4000) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    UNIQUE (service_id, subject, method, path_glob)
);

CREATE TABLE token_key (
    key_id        VARCHAR(40)   PRIMARY KEY,
    role          VARCHAR(4)    NOT NULL,
    identity      VARCHAR(1100) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE admin_api_key (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    key_hash      CHAR(64)      NOT NULL UNIQUE,
    label         VARCHAR(200)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at    TIMESTAMP WITH TIME ZONE
);

CREATE TABLE audit (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    at            TIMESTAMP WITH TIME ZONE NOT NULL,
    action        VARCHAR(100)  NOT NULL,
    target        VARCHAR(2000) NOT NULL
);
