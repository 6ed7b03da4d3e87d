package org.xroadng.securityserver;

/**
 * How a security server names the threads it starts: the thread's role, then {@code @{server}}
 * (e.g. {@code proxy-io@{DEMO/GOV/1001/ss1}-3-1}), so that a profile of a process running several
 * servers (the bench, the tests) can tell whose CPU a thread spent, and an operator's thread dump
 * says which server a thread works for.
 */
public final class ServerThreads {

    private ServerThreads() {
    }

    /** {@code role} tagged with {@code server} (a server identifier as formatted); {@code role} alone when null. */
    public static String name(String role, String server) {
        return server == null ? role : role + "@{" + server + "}";
    }
}
