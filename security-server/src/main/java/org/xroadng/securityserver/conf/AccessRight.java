package org.xroadng.securityserver.conf;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.xroadng.protocol.id.GlobalGroupId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.ClientId;

/**
 * One access right (DESIGN.md section 6): a subject may call an endpoint of a service, optionally
 * only for some purposes.
 *
 * @param method   an HTTP method, or {@code *} for any
 * @param pathGlob the path after the service code, where {@code *} matches one segment and
 *                 {@code **} any number of segments (including none); {@code /**} matches everything
 * @param purposes the allowed purpose codes; empty means any purpose, or none
 */
public record AccessRight(ServiceId service, Subject subject, String method, String pathGlob, Set<String> purposes) {

    /** Whom an access right is for. */
    public sealed interface Subject permits SubsystemSubject, GlobalGroupSubject, LocalGroupSubject {
        /** The canonical text form: {@code DEMO/GOV/1002/tax}, {@code global:DEMO/group}, {@code local:code}. */
        String format();
    }

    /** A client: a subsystem, or a member calling without a subsystem (X-Road's member-level client). */
    public record SubsystemSubject(ClientId id) implements Subject {
        public String format() {
            return id.format();
        }
    }

    public record GlobalGroupSubject(GlobalGroupId id) implements Subject {
        public String format() {
            return "global:" + id.format();
        }
    }

    public record LocalGroupSubject(String code) implements Subject {
        public String format() {
            return "local:" + code;
        }
    }

    public AccessRight {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(subject, "subject");
        method = method.toUpperCase(Locale.ROOT);
        if (!pathGlob.startsWith("/")) {
            throw new IllegalArgumentException("path pattern '" + pathGlob + "' must start with '/'");
        }
        purposes = Set.copyOf(purposes);
    }

    public boolean matchesEndpoint(String requestMethod, String path) {
        return (method.equals("*") || method.equals(requestMethod)) && PathGlob.matches(pathGlob, path);
    }

    public boolean allowsPurpose(String purpose) {
        return purposes.isEmpty() || (purpose != null && purposes.contains(purpose));
    }
}
