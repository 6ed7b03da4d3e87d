-- ownerChange management requests (docs/registry.md, "Owner change"): the member a pending or
-- decided request names as the server's new owner. The server's owner itself is
-- security_server.owner_id, which an approved ownerChange updates; its identifier stays.
ALTER TABLE management_request ADD COLUMN new_owner_id VARCHAR(800);
