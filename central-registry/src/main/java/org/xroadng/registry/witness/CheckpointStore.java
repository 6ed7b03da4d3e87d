package org.xroadng.registry.witness;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.store.Jdbc;

/**
 * The accepted checkpoints in the registry database (table {@code witnessed_checkpoint}): one row
 * per server and size, written whole in one statement and never changed.
 */
final class CheckpointStore {

    /** An accepted checkpoint with the time its payload states, which the witness compares against. */
    record Stored(WitnessedCheckpoint witnessed, Instant checkpointTime) {
    }

    private static final String COLUMNS = "tree_size, root_hash, checkpoint_time, checkpoint_jws, timestamp_token,"
            + " witnessed_at";

    private CheckpointStore() {
    }

    static Optional<Stored> latest(Connection c, SecurityServerId server) throws SQLException {
        return Jdbc.queryOne(c, "SELECT " + COLUMNS + " FROM witnessed_checkpoint WHERE server_id = ?"
                + " ORDER BY tree_size DESC LIMIT 1", CheckpointStore::stored, server.format());
    }

    static Optional<Stored> atSize(Connection c, SecurityServerId server, long size) throws SQLException {
        return Jdbc.queryOne(c, "SELECT " + COLUMNS + " FROM witnessed_checkpoint WHERE server_id = ?"
                + " AND tree_size = ?", CheckpointStore::stored, server.format(), size);
    }

    static void insert(Connection c, SecurityServerId server, long size, String rootHash, Instant checkpointTime,
                       String jws, byte[] timestampToken, Instant witnessedAt) throws SQLException {
        Jdbc.update(c, "INSERT INTO witnessed_checkpoint (server_id, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                server.format(), size, rootHash, checkpointTime, jws, timestampToken, witnessedAt);
    }

    private static Stored stored(ResultSet r) throws SQLException {
        WitnessedCheckpoint witnessed = new WitnessedCheckpoint(r.getString("checkpoint_jws"),
                Base64.getEncoder().encodeToString(r.getBytes("timestamp_token")), r.getLong("tree_size"),
                r.getString("root_hash"), Jdbc.instant(r, "witnessed_at"));
        return new Stored(witnessed, Jdbc.instant(r, "checkpoint_time"));
    }
}
