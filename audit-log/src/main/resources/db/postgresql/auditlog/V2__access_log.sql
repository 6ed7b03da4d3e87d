-- The access log on PostgreSQL: the same tables as the H2 migrations V1 and V2 (db/auditlog),
-- in one step. Later changes get a migration here and one there, with the same version.
--
-- One row per leaf of the Merkle log (DESIGN.md section 7): the canonical bytes of an access
-- event, and its RFC 6962 leaf hash.
CREATE TABLE merkle_leaf (
    leaf_index  BIGINT  NOT NULL PRIMARY KEY,
    entry_bytes BYTEA   NOT NULL,
    leaf_hash   BYTEA   NOT NULL CHECK (octet_length(leaf_hash) = 32)
);

-- The complete subtrees: the node at (height, index) covers leaves index * 2^height onwards.
CREATE TABLE merkle_node (
    node_height INT     NOT NULL,
    node_index  BIGINT  NOT NULL,
    node_hash   BYTEA   NOT NULL CHECK (octet_length(node_hash) = 32),
    PRIMARY KEY (node_height, node_index)
);

-- Which leaves name a data subject, for a citizen's query.
CREATE TABLE access_subject (
    subject     VARCHAR(255) NOT NULL,
    leaf_index  BIGINT       NOT NULL,
    PRIMARY KEY (subject, leaf_index)
);
