package org.xroadng.securityserver.admin;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * X-Road's security server roles. A user or an admin API key holds one or more; {@link Permission}
 * says which role may do what, and {@link ServerAdmin} checks it on the server for every action,
 * whether it comes from the console or the API.
 */
public enum Role {
    /** Keys and certificates: signing keys, CSRs, importing issued certificates. */
    SECURITY_OFFICER("security-officer"),
    /** Registration of the server and its clients with the registry; adding and deleting clients. */
    REGISTRATION_OFFICER("registration-officer"),
    /** Services, their descriptions and timeouts, access rights and local groups. */
    SERVICE_ADMINISTRATOR("service-administrator"),
    /** Console users, evidence export and the server's operation. */
    SYSTEM_ADMINISTRATOR("system-administrator"),
    /** Reads every page; changes nothing. */
    OBSERVER("observer"),
    /**
     * The oversight role (a data protection inspector): reads restricted accesses before their
     * disclosure (DESIGN.md section 7), each reading logged in the access log for the citizen to see.
     * Held only when given by name: {@value #ALL} does not include it.
     */
    INSPECTOR("inspector");

    /** What admin API keys created before roles existed hold: every role but {@link #INSPECTOR}. */
    public static final String ALL = "admin";

    private final String code;

    Role(String code) {
        this.code = code;
    }

    /** The role's name in the API, the CLI and the database, e.g. {@code security-officer}. */
    public String code() {
        return code;
    }

    /** A role by its code; an unknown code is an {@link IllegalArgumentException} listing the known ones. */
    public static Role of(String code) {
        String wanted = code == null ? "" : code.trim().toLowerCase(Locale.ROOT);
        for (Role role : values()) {
            if (role.code.equals(wanted)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + code + "'; expected one of " + codes());
    }

    /**
     * Roles as stored: space-separated codes, or {@value #ALL} for every role. Empty or unknown is an
     * {@link IllegalArgumentException}.
     */
    public static Set<Role> parse(String stored) {
        if (stored == null || stored.isBlank()) {
            throw new IllegalArgumentException("no role given; expected one or more of " + codes());
        }
        if (stored.trim().equals(ALL)) {
            return EnumSet.complementOf(EnumSet.of(INSPECTOR));
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String code : stored.trim().split("[\\s,]+")) {
            roles.add(of(code));
        }
        return roles;
    }

    /** Roles as stored: sorted codes separated by spaces. */
    public static String format(Set<Role> roles) {
        return roles.stream().map(Role::code).collect(Collectors.toCollection(TreeSet::new)).stream()
                .collect(Collectors.joining(" "));
    }

    /** Every role code, comma-separated, for messages. */
    public static String codes() {
        return Arrays.stream(values()).map(Role::code).collect(Collectors.joining(", "));
    }
}
