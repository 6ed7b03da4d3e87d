-- The Merkle log (RFC 9162 section 2.1): leaf i holds entry i and SHA-256(0x00 || entry).
-- Rows are only ever inserted; a changed row is tampering and shows as a failed proof.
CREATE TABLE merkle_leaf (
    leaf_index  BIGINT        NOT NULL PRIMARY KEY,
    entry_bytes VARBINARY     NOT NULL,
    leaf_hash   BINARY(32)    NOT NULL
);

-- Hashes of complete subtrees: node (h, i) covers leaves [i * 2^h, (i + 1) * 2^h), h >= 1.
-- Written in the transaction of the append that completes them, so any root or proof needs only
-- O(log n) of them and never a pass over the leaves.
CREATE TABLE merkle_node (
    node_height INT           NOT NULL,
    node_index  BIGINT        NOT NULL,
    node_hash   BINARY(32)    NOT NULL,
    PRIMARY KEY (node_height, node_index)
);
