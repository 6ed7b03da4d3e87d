package org.xroadng.protocol.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small JDBC helpers: parameter binding, row mapping, and instants stored as UTC timestamps. */
public final class Jdbc {

    private Jdbc() {
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, args);
            List<T> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(mapper.map(r));
                }
            }
            return out;
        }
    }

    public static <T> Optional<T> queryOne(Connection c, String sql, RowMapper<T> mapper, Object... args)
            throws SQLException {
        List<T> rows = query(c, sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public static long count(Connection c, String sql, Object... args) throws SQLException {
        return queryOne(c, sql, r -> r.getLong(1), args).orElse(0L);
    }

    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, args);
            return s.executeUpdate();
        }
    }

    /** Inserts and returns the generated key of column {@code id}. */
    public static long insert(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql, new String[] {"id"})) {
            bind(s, args);
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /**
     * An instant as a column value: UTC, to the microsecond. PostgreSQL keeps no finer time and
     * would round, so both engines store the instant truncated alike, and a time read back is
     * never later than the one written.
     */
    public static OffsetDateTime timestamp(Instant instant) {
        // LocalDateTime.ofEpochSecond, not Instant.atOffset: that builds a new ZoneRules for UTC on
        // every call, which was a few percent of the message-log writer.
        Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
        return OffsetDateTime.of(LocalDateTime.ofEpochSecond(micros.getEpochSecond(), micros.getNano(), ZoneOffset.UTC),
                ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet r, String column) throws SQLException {
        OffsetDateTime value = r.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static void bind(PreparedStatement s, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            if (arg instanceof Instant instant) {
                s.setObject(i + 1, timestamp(instant));
            } else {
                s.setObject(i + 1, arg);
            }
        }
    }
}
