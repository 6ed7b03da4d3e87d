-- The signature (a compact JWS of a few kilobytes: digest, certificate chain, OCSP response) and the
-- subject lists are stored in the row rather than in H2's separate large-object storage, which cost
-- about half the writer's time per exchange. They arrive in HTTP headers, so they are far below
-- VARCHAR's limit of 1,000,000 characters. Bodies stay large objects (up to the body limit).
ALTER TABLE message_record ALTER COLUMN signature SET DATA TYPE VARCHAR(1000000);
ALTER TABLE message_record ALTER COLUMN subjects SET DATA TYPE VARCHAR(1000000);
ALTER TABLE message_record ALTER COLUMN data_subjects SET DATA TYPE VARCHAR(1000000);
