package org.xroadng.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.xroadng.protocol.store.Jdbc;

/**
 * Instance-wide settings kept in the registry and, where servers need them, published in the
 * global configuration. Each has a fixed range; a value outside it is refused, never clamped.
 */
public final class Settings {

    /** The settings and their values. */
    public record Values(int globalConfValiditySeconds, int ocspFreshnessSeconds,
                         int acceptableTimestampFailureSeconds, boolean autoApproveClientRegistrations) {

        Map<String, String> asMap() {
            Map<String, String> map = new LinkedHashMap<>();
            map.put("globalConfValiditySeconds", String.valueOf(globalConfValiditySeconds));
            map.put("ocspFreshnessSeconds", String.valueOf(ocspFreshnessSeconds));
            map.put("acceptableTimestampFailureSeconds", String.valueOf(acceptableTimestampFailureSeconds));
            map.put("autoApproveClientRegistrations", String.valueOf(autoApproveClientRegistrations));
            return map;
        }
    }

    private static final Map<String, int[]> RANGES = Map.of(
            "globalConfValiditySeconds", new int[] {60, 7 * 24 * 3600},
            "ocspFreshnessSeconds", new int[] {60, 7 * 24 * 3600},
            "acceptableTimestampFailureSeconds", new int[] {0, 7 * 24 * 3600});

    private final Changes changes;

    public Settings(Changes changes) {
        this.changes = changes;
    }

    public Values get() {
        return changes.database().inTransaction(Settings::read);
    }

    static Values read(Connection c) throws SQLException {
        Map<String, String> map = new TreeMap<>();
        for (var row : Jdbc.query(c, "SELECT name, setting_value FROM setting", r -> Map.entry(r.getString(1), r.getString(2)))) {
            map.put(row.getKey(), row.getValue());
        }
        return new Values(Integer.parseInt(map.get("globalConfValiditySeconds")),
                Integer.parseInt(map.get("ocspFreshnessSeconds")),
                Integer.parseInt(map.get("acceptableTimestampFailureSeconds")),
                Boolean.parseBoolean(map.get("autoApproveClientRegistrations")));
    }

    /** Changes the given settings (name to value, as text); all or nothing. */
    public Values update(Actor actor, Map<String, Object> changesByName) throws RegistryException {
        return changes.apply(actor, "settings.update", String.join(",", changesByName.keySet()), c -> {
            if (changesByName.isEmpty()) {
                throw RegistryException.badRequest("no settings given; expected one or more of "
                        + read(c).asMap().keySet());
            }
            for (Map.Entry<String, Object> entry : changesByName.entrySet()) {
                String value = check(entry.getKey(), entry.getValue());
                Jdbc.update(c, "UPDATE setting SET setting_value = ? WHERE name = ?", value, entry.getKey());
            }
            return read(c);
        });
    }

    private static String check(String name, Object value) throws RegistryException {
        if (name.equals("autoApproveClientRegistrations")) {
            if (!(value instanceof Boolean)) {
                throw RegistryException.badRequest(name + " is " + value + "; expected true or false");
            }
            return value.toString();
        }
        int[] range = RANGES.get(name);
        if (range == null) {
            throw RegistryException.badRequest("unknown setting '" + name + "'; expected one of "
                    + new TreeMap<>(Map.of("globalConfValiditySeconds", 0, "ocspFreshnessSeconds", 0,
                    "acceptableTimestampFailureSeconds", 0, "autoApproveClientRegistrations", 0)).keySet());
        }
        if (!(value instanceof Integer number) || number < range[0] || number > range[1]) {
            throw RegistryException.badRequest(name + " is " + value + "; expected a whole number from " + range[0]
                    + " to " + range[1]);
        }
        return value.toString();
    }
}
