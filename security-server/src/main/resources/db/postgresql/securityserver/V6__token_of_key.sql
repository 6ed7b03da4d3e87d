-- Which token holds each key: NULL for the server's software token, else the id of an HSM token
-- as its file tokens/ID.yaml names it (docs/security-server.md, keys in an HSM).
ALTER TABLE token_key ADD COLUMN token_id VARCHAR(32);
