-- Transparency witnesses the global configuration lists (DESIGN.md section 7), and how many of
-- them must cosign a checkpoint (setting witnessQuorum; 0 while none is listed).
CREATE TABLE transparency_witness (
    name         VARCHAR(255)  NOT NULL PRIMARY KEY,   -- the cosigner name in its verifier key
    url          VARCHAR(2000) NOT NULL,               -- tlog-witness submission prefix
    verifier_key VARCHAR(1000) NOT NULL,               -- C2SP verifier key, type 0x04
    added_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

INSERT INTO setting (name, setting_value) VALUES ('witnessQuorum', '0');
