-- Restricted accesses (DESIGN.md section 7): an access right may allow its accesses to be restricted,
-- by a kind of authority (shown to the citizen at once) and for at most so many days until disclosure.
-- Both null: the right allows no restriction.
ALTER TABLE access_right ADD COLUMN restriction_authority VARCHAR(40);
ALTER TABLE access_right ADD COLUMN restriction_max_days INT;
