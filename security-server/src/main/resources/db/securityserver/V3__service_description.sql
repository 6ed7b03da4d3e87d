-- Service descriptions (OpenAPI 3) and the endpoints they declare (docs/security-server.md,
-- service descriptions). The document is kept byte for byte, as getOpenAPI returns it; source_url
-- is where it is refreshed from (NULL when it was uploaded). The same tables as the PostgreSQL
-- migration V3 (db/postgresql/securityserver).
CREATE TABLE service_description (
    service_id    VARCHAR(1400) PRIMARY KEY REFERENCES service (id) ON DELETE CASCADE,
    source_url    VARCHAR(2000),
    content       VARBINARY(16777216) NOT NULL,
    content_type  VARCHAR(100)  NOT NULL,
    refreshed_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE service_endpoint (
    service_id    VARCHAR(1400) NOT NULL REFERENCES service_description (service_id) ON DELETE CASCADE,
    method        VARCHAR(10)   NOT NULL,
    path          VARCHAR(1000) NOT NULL,
    PRIMARY KEY (service_id, method, path)
);
