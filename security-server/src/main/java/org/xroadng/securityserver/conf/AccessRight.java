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
 * <p>A right for the whole service ({@code *} and {@code /**}) allows every endpoint; a right for
 * an endpoint (a method and a path pattern, as a service description declares them or narrower)
 * allows only the requests it matches. The pattern is compiled when the right is made, so that
 * checking a request costs no parsing ({@link PathGlob}).
 *
 * @param method   an HTTP method, or {@code *} for any
 * @param path     the path after the service code ({@link PathGlob}); {@code /**} matches everything
 * @param purposes the allowed purpose codes; empty means any purpose, or none
 */
public record AccessRight(ServiceId service, Subject subject, String method, PathGlob path, Set<String> purposes) {

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
        Objects.requireNonNull(path, "path");
        purposes = Set.copyOf(purposes);
    }

    /** A right whose path pattern is compiled from {@code pathGlob}. */
    public AccessRight(ServiceId service, Subject subject, String method, String pathGlob, Set<String> purposes) {
        this(service, subject, method, PathGlob.compile(pathGlob), purposes);
    }

    /** Whether this right allows {@code requestMethod} on {@code requestPath} (decoded, after the service code). */
    public boolean matchesEndpoint(String requestMethod, String requestPath) {
        return (method.equals("*") || method.equals(requestMethod)) && path.matches(requestPath);
    }

    /** Whether this right allows every request that the declared {@code endpoint} can match. */
    public boolean covers(ServiceEndpoint endpoint) {
        return (method.equals("*") || method.equals(endpoint.method())) && path.covers(endpoint.path());
    }

    public boolean allowsPurpose(String purpose) {
        return purposes.isEmpty() || (purpose != null && purposes.contains(purpose));
    }
}
