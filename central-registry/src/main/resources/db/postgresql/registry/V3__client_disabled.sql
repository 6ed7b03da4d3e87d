-- clientDisable and clientEnable management requests (DESIGN.md section 5): a client suspended on a
-- server stays registered there, but the global configuration lists it apart and peers refuse it.

ALTER TABLE server_client ADD COLUMN disabled BOOLEAN DEFAULT FALSE NOT NULL;
