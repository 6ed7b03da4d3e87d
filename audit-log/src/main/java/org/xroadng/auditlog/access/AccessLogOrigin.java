package org.xroadng.auditlog.access;

import java.util.Optional;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * The C2SP tlog-checkpoint origin of a security server's access log, also the name of the
 * server's note key: {@code INSTANCE/CLASS/MEMBER/SERVER/access-log}, with any {@code +} of the
 * identifier written {@code %2B} (a key name must not hold {@code +}, and an origin should not;
 * identifiers never hold {@code %}, so the mapping is one to one). Stable for the server's life.
 */
public final class AccessLogOrigin {

    private static final String SUFFIX = "/access-log";

    private AccessLogOrigin() {
    }

    public static String of(SecurityServerId server) {
        return server.format().replace("+", "%2B") + SUFFIX;
    }

    /** The server whose origin {@code origin} is; empty when it is no access-log origin. */
    public static Optional<SecurityServerId> server(String origin) {
        if (origin == null || !origin.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        try {
            SecurityServerId id = SecurityServerId.parse(origin.substring(0, origin.length() - SUFFIX.length())
                    .replace("%2B", "+"));
            return of(id).equals(origin) ? Optional.of(id) : Optional.empty();
        } catch (InvalidIdentifierException e) {
            return Optional.empty();
        }
    }
}
