package org.xroadng.cli;

import picocli.CommandLine.Option;

/**
 * {@code --node NAME}: which node of a clustered security server a command runs as, or whose
 * message log it reads (each node keeps its own; docs/security-server.md, "Clustered nodes").
 * Absent: a server of one process.
 */
public final class NodeOption {

    @Option(names = "--node", paramLabel = "NAME", description = "The node of a clustered server: the nodes share"
            + " its configuration, keys and access log through its PostgreSQL database, and each keeps its own"
            + " message log (docs/security-server.md, \"Clustered nodes\"); default: a server of one process")
    String node;
}
