-- Query ids are random, so every insert into an index on them lands on another page of the B-tree,
-- and H2's store rewrites every page an insert changed: this index cost about a quarter of a
-- logged exchange's CPU. The embedded log finds a query's records through sorted index files
-- beside its journal instead (QueryIndex, DESIGN.md section 6), written in bulk in id order in the
-- background, and scans the newest rows by primary key. PostgreSQL keeps its index: a clustered
-- server's nodes share that database.
DROP INDEX message_record_query;
