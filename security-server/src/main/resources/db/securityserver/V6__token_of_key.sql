-- Which token holds each key: NULL for the server's software token, else the id of an HSM token
-- as tokens.yaml lists it (docs/security-server.md, HSM tokens).
ALTER TABLE token_key ADD COLUMN token_id VARCHAR(32);
