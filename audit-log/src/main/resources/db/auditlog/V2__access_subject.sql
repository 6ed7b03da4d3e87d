-- The access log's index by data subject (DESIGN.md section 7): one row per subject an event names,
-- written in the transaction that appends the event's leaf. It only finds entries; the entries
-- themselves are proved against a checkpoint, so a changed index can hide events but not alter them.
CREATE TABLE access_subject (
    subject     VARCHAR(255)  NOT NULL,
    leaf_index  BIGINT        NOT NULL,
    PRIMARY KEY (subject, leaf_index)
);
