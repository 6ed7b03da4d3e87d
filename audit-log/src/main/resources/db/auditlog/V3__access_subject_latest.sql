-- The latest event of each data subject (DESIGN.md section 7), kept in the transaction that appends
-- events, so an append finds each subject's previous event (the leaf's 'previous' link) with one key
-- lookup instead of a scan over all of that subject's rows. Like access_subject it only finds
-- entries: a wrong row here gives a new event a wrong link, which the portal shows as a gap.
CREATE TABLE access_subject_latest (
    subject     VARCHAR(255)  NOT NULL PRIMARY KEY,
    leaf_index  BIGINT        NOT NULL
);

INSERT INTO access_subject_latest (subject, leaf_index)
    SELECT subject, MAX(leaf_index) FROM access_subject GROUP BY subject;
