package org.xroadng.securityserver.conf;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.xroadng.auditlog.access.Restriction;
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
 * @param restriction whether accesses under this right may be restricted (DESIGN.md section 7) and
 *                    how far: the kind of authority the subject is and the longest time until
 *                    disclosure; null when they may not
 */
public record AccessRight(ServiceId service, Subject subject, String method, PathGlob path, Set<String> purposes,
                          RestrictionAllowance restriction) {

    /**
     * A right's allowance to restrict its accesses: {@code authority} is the kind of authority its
     * subject is (shown to the citizen at once), {@code maxDays} the longest an access may stay
     * undisclosed, 1..{@value #MAX_DAYS} days from the exchange.
     */
    public record RestrictionAllowance(String authority, int maxDays) {
        /** Ten years: the longest any allowance may be. */
        public static final int MAX_DAYS = 3650;

        public RestrictionAllowance {
            Restriction.requireAuthority(authority);
            if (maxDays < 1 || maxDays > MAX_DAYS) {
                throw new IllegalArgumentException("restriction maxDays is " + maxDays + "; allowed 1.." + MAX_DAYS);
            }
        }

        /**
         * The restriction an exchange at {@code now} gets when asked for {@code legalBasis} until
         * {@code discloseAt}.
         *
         * @throws IllegalArgumentException saying why when the date is not after {@code now} or
         *                                  beyond {@code maxDays} from it
         */
        public Restriction allow(String legalBasis, Instant discloseAt, Instant now) {
            if (!discloseAt.isAfter(now)) {
                throw new IllegalArgumentException("the disclosure date " + discloseAt + " is not in the future (now "
                        + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")");
            }
            Instant latest = now.plus(java.time.Duration.ofDays(maxDays));
            if (discloseAt.isAfter(latest)) {
                throw new IllegalArgumentException("the disclosure date " + discloseAt + " is more than the " + maxDays
                        + " days the access right allows (at the latest " + latest.truncatedTo(
                        java.time.temporal.ChronoUnit.SECONDS) + ")");
            }
            return new Restriction(authority, legalBasis, discloseAt);
        }
    }

    /** A right whose accesses may not be restricted. */
    public AccessRight(ServiceId service, Subject subject, String method, PathGlob path, Set<String> purposes) {
        this(service, subject, method, path, purposes, null);
    }

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
        this(service, subject, method, PathGlob.compile(pathGlob), purposes, null);
    }

    /** A right whose path pattern is compiled from {@code pathGlob}, with its restriction allowance (null: none). */
    public AccessRight(ServiceId service, Subject subject, String method, String pathGlob, Set<String> purposes,
                       RestrictionAllowance restriction) {
        this(service, subject, method, PathGlob.compile(pathGlob), purposes, restriction);
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
