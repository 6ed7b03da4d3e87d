-- WSDL service descriptions of provider subsystems (docs/security-server.md, WSDL descriptions):
-- the document byte for byte, as getWsdl returns it (with endpoint addresses hidden); source_url
-- is where it is refreshed from (NULL when it was uploaded). Each operation of its SOAP binding is
-- a service whose wsdl_id names the description; deleting the description deletes those services
-- and their access rights. The same tables as the PostgreSQL migration V4.
CREATE TABLE wsdl_description (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    provider      VARCHAR(1100) NOT NULL REFERENCES client (id),
    source_url    VARCHAR(2000),
    content       VARBINARY(16777216) NOT NULL,
    refreshed_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

ALTER TABLE service ADD COLUMN wsdl_id BIGINT REFERENCES wsdl_description (id) ON DELETE CASCADE;
